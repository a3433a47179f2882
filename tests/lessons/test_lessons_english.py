"""The lessons in English (`--lang en`): each French lesson has an English twin with the same
placeholders and citations, the English rendering shows the same figures computed the same way
(only written 0.37 rather than 0,37), and no French is left but the data written in French."""

from __future__ import annotations

import re

import pytest
from lessons_played import play

from duels_tui.catalog import load_catalog
from duels_tui.explain import LESSON_KEYS, LessonView, build_lesson
from duels_tui.explain.charts import energy_chart, params_chart
from duels_tui.explain.facts import load_facts
from duels_tui.explain.lessons import lesson_titles
from duels_tui.explain.phrases import LESSON_TEXTS
from duels_tui.explain.session import token_sources
from duels_tui.explain.templates import CITATION, PLACEHOLDER, load_templates
from duels_tui.impact.equivalents import load_equivalents
from french_markers import french_left

# Data written in French that the English lessons show as it is: the catalog's name for its size
# scale, and the source of the web-search equivalent (config/equivalents.toml has no English one);
# and « et al. », Latin that English citations use too.
FRENCH_DATA = (load_catalog().scale.name, load_equivalents().get("web-search").source, " et al.")


def test_every_french_lesson_has_an_english_twin():
    french, english = load_templates("fr"), load_templates("en")
    assert list(english) == list(french) == list(LESSON_KEYS)
    for key, fr in french.items():
        en = english[key]
        assert en.order == fr.order and en.title != fr.title, key
        assert PLACEHOLDER.findall(en.body) == PLACEHOLDER.findall(fr.body), key
        assert sorted(CITATION.findall(en.body)) == sorted(CITATION.findall(fr.body)), key
        # Data references (« @… ») are the same and in the same place; quoted sources are translated.
        assert len(en.sources) == len(fr.sources), key
        for s_en, s_fr in zip(en.sources, fr.sources, strict=True):
            assert s_en == s_fr if s_fr.startswith("@") else not s_en.startswith("@"), key
    assert [title for _, title in lesson_titles("en")] == [t.title for t in english.values()]


def test_english_templates_write_no_figure_of_their_own():
    for template in load_templates("en").values():
        body = CITATION.sub("", template.body)
        body = re.sub(r"^\s*\d+\. ", "", body, flags=re.M)
        assert not re.search(r"\d", body), template.key


def test_every_sentence_cites_the_same_sources_in_both_languages():
    # Both languages and their placeholders: tests/test_lang.py, for every table.
    for key, (fr, en) in LESSON_TEXTS.table.items():
        assert CITATION.findall(fr) == CITATION.findall(en), key


def test_every_fact_a_lesson_shows_has_its_source_in_english():
    for fact in load_facts().values():
        assert fact.source_en and fact.citation("en") != fact.citation("fr"), fact.key
        assert str(fact.year) in fact.citation("en")
    catalog = load_catalog()
    assert all(catalog.models[m].description_en for m in load_facts()["french_models"]["models"])


# --- the same figures in both languages ------------------------------------------------------

_FR_NUMBER = re.compile(r"(?<![\w.,])\d+(?:\u202f\d{3})*(?:,\d+)?(?![\w])")
_EN_NUMBER = re.compile(r"(?<![\w.,])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")


def numbers(text: str, lang: str, names: list[str]) -> list[float]:
    """The figures written in `text`, read back as numbers; model names (« Llama 3.3 70B ») and
    the French models' descriptions (« Qwen2.5-14B ») left out: they are names, not figures."""
    for name in names:
        text = text.replace(name, " ")
    if lang == "fr":
        return sorted(float(n.replace("\u202f", "").replace(",", ".")) for n in _FR_NUMBER.findall(text))
    return sorted(float(n.replace(",", "")) for n in _EN_NUMBER.findall(text))


def shown(lesson: LessonView) -> str:
    """Everything a lesson shows but its sources, one text."""
    parts = [lesson.title, lesson.markdown]
    if lesson.figure:
        parts += [lesson.figure.value, lesson.figure.caption]
    if lesson.chart:
        parts += [lesson.chart.title, *(f"{b.label} {b.text}" for b in lesson.chart.bars)]
    return "\n".join(parts)


@pytest.mark.parametrize(("revealed", "played"), [(0, 0), (2, 3), (3, 3)])
def test_the_english_lessons_show_the_same_figures(shipped_workshop, revealed, played):
    workshop = play(shipped_workshop, revealed, played=played)
    catalog = load_catalog()
    names = sorted({c.name for c in catalog.models.values()}
                   | {c.description_in(lang) for c in catalog.models.values() for lang in ("fr", "en")},
                   key=len, reverse=True)
    compared = 0
    for key in LESSON_KEYS:
        fr, en = build_lesson(key, workshop), build_lesson(key, workshop, lang="en")
        assert numbers(shown(en), "en", names) == numbers(shown(fr), "fr", names), key
        compared += len(numbers(shown(fr), "fr", names))
        assert (fr.figure is None) == (en.figure is None) and (fr.chart is None) == (en.chart is None), key
        if fr.figure:
            french = fr.figure.value.replace("\u202f%", "%")  # French writes a narrow space before %
            assert en.figure.value == french.replace(",", ".").replace("\u202f", ","), key
        if fr.chart:
            assert [b.value for b in en.chart.bars] == [b.value for b in fr.chart.bars], key
            assert [b.highlight for b in en.chart.bars] == [b.highlight for b in fr.chart.bars], key
        years = re.compile(r"\((\d{4})\)")
        assert [years.findall(s) for s in en.sources] == [years.findall(s) for s in fr.sources], key
    assert compared > 30  # the comparison did read figures


def test_the_charts_of_the_reveal_in_english(shipped_workshop):
    workshop = play(shipped_workshop, revealed=3)
    for chart in (params_chart, energy_chart):
        fr, en = chart(workshop), chart(workshop, lang="en")
        assert [b.value for b in en.bars] == [b.value for b in fr.bars] and en.bars
        assert french_left(en.title) == [] and en.title != fr.title
    assert [s.label for s in token_sources(workshop, "en")] == ["Question", "Answer A", "Answer B"]


# --- no French left -------------------------------------------------------------------------


@pytest.mark.parametrize(("revealed", "played"), [(0, 0), (2, 3), (3, 3)])
def test_no_french_is_left_in_the_english_cards(shipped_workshop, revealed, played):
    workshop = play(shipped_workshop, revealed, played=played)
    for key in LESSON_KEYS:
        lesson = build_lesson(key, workshop, lang="en")
        text = "\n".join([shown(lesson), *lesson.sources])
        assert french_left(text, FRENCH_DATA) == [], f"{key}: {text}"


def test_french_stays_the_default(shipped_workshop):
    workshop = play(shipped_workshop, revealed=3)
    for key in LESSON_KEYS:
        assert build_lesson(key, workshop) == build_lesson(key, workshop, lang="fr")
    with pytest.raises(ValueError, match="langue inconnue"):
        build_lesson("taille", workshop, lang="de")
