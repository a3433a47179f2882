"""Keeping the duel blind: which model is A, and answers or errors that give a name away.

FastChat (LMSYS) drops battles where an answer names its own model: "je suis Claude" breaks the
blind test. A workshop cannot drop a duel the room has just read, so we only flag the answer;
the UI says « cette réponse dit qui elle est » without saying who.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from duels_tui.catalog import ModelCard
from duels_tui.engine.events import EngineError

SELF_NAMING_NOTICE = "Cette réponse dit qui elle est : le duel n'est plus tout à fait à l'aveugle."

# Words too common to flag on their own ("Command R" -> "command", "Phi-4" -> "phi"): they count
# only in a self-introduction ("je suis Phi", "développé par Cohere").
_COMMON = {"command", "phi", "small", "large", "mini", "pro", "chat", "coder", "meta", "google"}

# Organisations also appear in honest answers (an answer about data centres cites Google), so
# they count only after a self-introduction.
_INTRO = (
    r"je\s+suis|je\s+m['’]appelle|mon\s+nom\s+est|"
    r"(?:d[ée]velopp[ée]|con[çc]u|cr[ée][ée]|entra[iî]n[ée]|form[ée])e?s?\s+par|"
    r"i\s+am|i['’]m|my\s+name\s+is|(?:developed|created|trained|made|built)\s+by"
)


def draw_sides(model_ids: tuple[str, str], rng: random.Random) -> dict[str, str]:
    """Which model is A: a fair coin per duel (compar:IA swaps sides to avoid position bias)."""
    first, second = model_ids
    if rng.random() < 0.5:
        first, second = second, first
    return {"A": first, "B": second}


def identity_terms(card: ModelCard) -> tuple[frozenset[str], frozenset[str]]:
    """(names, organisations) that identify a model: names flag anywhere, organisations and
    common words only in a self-introduction."""
    names = {card.name.lower()}
    first = card.name.split()[0].lower() if card.name.split() else ""
    stem = re.split(r"[\d.\-]", first)[0]
    family = re.split(r"[\d.\-]", card.family.lower())[0] if card.family else ""
    for word in (first, stem, family):
        if len(word) >= 3:
            names.add(word)
    orgs = {card.organisation.lower()}
    org_first = card.organisation.split()[0].lower() if card.organisation.split() else ""
    if len(org_first) >= 3:
        orgs.add(org_first)
    common = {n for n in names if n in _COMMON}
    return frozenset(names - common), frozenset(orgs | common)


@lru_cache(maxsize=64)
def _patterns(names: frozenset[str], intro_only: frozenset[str]) -> tuple[re.Pattern, re.Pattern]:
    def alternation(words: Iterable[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or r"(?!x)x"

    # "Gemma3" or "Claude-3" name the model too: only a following letter ends the match.
    anywhere = re.compile(rf"(?<![\w-])(?:{alternation(names)})(?![^\W\d_])", re.IGNORECASE)
    introduced = re.compile(
        rf"(?:{_INTRO})\W+(?:[\w'’-]+\W+){{0,3}}?(?:{alternation(names | intro_only)})(?![^\W\d_])",
        re.IGNORECASE,
    )
    return anywhere, introduced


def names_itself(text: str, card: ModelCard) -> bool:
    """True when `text` names its own model, or its organisation in a self-introduction."""
    if not text:
        return False
    names, intro_only = identity_terms(card)
    # Neither pattern can match without one of the words: a plain search first (6 ms for 128 KiB,
    # where the self-introduction pattern takes 60 ms of a key's 100 ms, measured).
    folded = text.casefold()
    if not any(word.casefold() in folded for word in names | intro_only):
        return False
    anywhere, introduced = _patterns(names, intro_only)
    return bool(anywhere.search(text) or introduced.search(text))


def anonymize_error(error: EngineError, cards: Iterable[ModelCard]) -> EngineError:
    """The engine promises anonymous `message` and `hint`; this makes sure of it before they are
    shown or stored (a provider's message can quote the model). `detail` is kept for logs and
    the reveal but never stored: it may name the route or a server address."""
    message, hint = error.message, error.hint
    for card in cards:
        words = {card.route, card.route.split("/", 1)[-1], card.name, card.organisation, card.id}
        if card.api_base:
            words.add(card.api_base)
        for word in sorted((w for w in words if len(w) >= 3), key=len, reverse=True):
            pattern = re.compile(re.escape(word), re.IGNORECASE)
            message = pattern.sub("le modèle", message)
            hint = pattern.sub("le modèle", hint)
    return replace(error, message=message, hint=hint)
