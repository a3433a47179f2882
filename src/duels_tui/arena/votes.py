"""The room's vote: hands counted by the facilitator, the winner of a duel, each side's share.

A room vote is a count (12 hands for A, 7 for B...), not one visitor's choice as on compar:IA.
The rules below are the ones the facilitator explains on screen; their wording (French, and
English for `--lang en`) lives here, next to the code that applies them, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from duels_tui.lang import DEFAULT, Texts
from duels_tui.numbers import count, integer, number

MAX_HANDS = 10_000  # a room, even a lecture hall; more is a typing slip (an extra zero)

TEXTS = Texts(
    "arena.votes",
    {
        # the vote boxes, as VoteError names them
        "field.a": ("Modèle A", "Model A"),
        "field.b": ("Modèle B", "Model B"),
        "field.tie": ("Les deux se valent", "Both are equal"),
        "field.none": ("Aucun des deux", "Neither"),
        "field.total": ("Total", "Total"),
        "error": ("{field} : {reason}", "{field}: {reason}"),
        "count.expected": ("un nombre de mains est attendu", "a number of hands is expected"),
        "count.integer": (
            "un nombre entier de mains est attendu, pas {value}",
            "a whole number of hands is expected, not {value}",
        ),
        "count.negative": ("un nombre de mains ne peut pas être négatif", "a number of hands cannot be negative"),
        "count.not_integer": ("« {text} » n'est pas un nombre entier", "“{text}” is not a whole number"),
        "count.too_many": (
            "{count}, c'est plus que le maximum accepté ({max})",
            "{count} is more than the maximum accepted ({max})",
        ),
        "total.none": (
            "aucune main levée : saisissez au moins un vote",
            "no hand raised: enter at least one vote",
        ),
        "total.too_many": (
            "{total} au total, plus que le maximum ({max})",
            "{total} in all, more than the maximum ({max})",
        ),
        "quick.unknown": (
            "vote rapide inconnu « {choice} » : A, B, = ou 0",
            "unknown quick vote “{choice}”: A, B, = or 0",
        ),
        "qualifiers.side": ("côté inconnu « {side} » : A ou B", "unknown side “{side}”: A or B"),
        "qualifiers.unknown": (
            "qualificatif inconnu « {name} » ; possibles : {known}",
            "unknown qualifier “{name}”; possible: {known}",
        ),
        "final.not_candidate": (
            "« {model_id} » n'est pas candidat à la finale",
            "“{model_id}” is not a candidate in the final",
        ),
        # compar:IA's qualifiers, in its order; keys are the dataset's column stems (conv_<key>_a).
        "q.useful": ("Utile", "Useful"),
        "q.complete": ("Complète", "Complete"),
        "q.creative": ("Créative", "Creative"),
        "q.clear_formatting": ("Mise en forme claire", "Clear formatting"),
        "q.incorrect": ("Incorrecte", "Incorrect"),
        "q.superficial": ("Superficielle", "Superficial"),
        "q.instructions_not_followed": ("Instructions non suivies", "Instructions not followed"),
        "outcome.A": ("Modèle A gagne", "Model A wins"),
        "outcome.B": ("Modèle B gagne", "Model B wins"),
        "outcome.tie": ("Match nul", "Draw"),
        "outcome.none": ("Aucun des deux ne convient", "Neither will do"),
        "rule.winner": (
            "Le modèle qui recueille le plus de mains gagne le duel, à condition d'en avoir plus que "
            "« les deux se valent » et « aucun des deux ». Si « aucun des deux » l'emporte seul, le duel "
            "n'a pas de gagnant. Dans tous les autres cas (A et B à égalité, ou « les deux se valent » en "
            "tête), le duel est déclaré nul.",
            "The model with the most hands wins the duel, provided it has more than “both are equal” "
            "and “neither”. If “neither” alone comes first, the duel has no winner. In every other case "
            "(A and B level, or “both are equal” ahead), the duel is a draw.",
        ),
        "rule.share": (
            "La part des voix d'un modèle : ses mains, plus la moitié des « les deux se valent », "
            "divisées par toutes les mains levées du duel.",
            "A model's share of the votes: its hands, plus half of the “both are equal”, divided by "
            "all the hands raised in the duel.",
        ),
    },
)

FIELD_LABELS = {name: TEXTS(f"field.{name}") for name in ("a", "b", "tie", "none", "total")}

_POSITIVE = ("useful", "complete", "creative", "clear_formatting")
_NEGATIVE = ("incorrect", "superficial", "instructions_not_followed")
POSITIVE_QUALIFIERS = {key: TEXTS(f"q.{key}") for key in _POSITIVE}
NEGATIVE_QUALIFIERS = {key: TEXTS(f"q.{key}") for key in _NEGATIVE}
QUALIFIERS = {**POSITIVE_QUALIFIERS, **NEGATIVE_QUALIFIERS}

WINNER_RULE_TEXT = TEXTS("rule.winner")
SHARE_RULE_TEXT = TEXTS("rule.share")


def qualifier_label(key: str, lang: str = DEFAULT) -> str:
    return TEXTS(f"q.{key}", lang)


def _written(value: object, name: str, lang: str) -> object:
    """A figure of a vote error as the language writes it: « 12 000 mains », « 1,5 »."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if name in ("count", "total"):
        return count(value, "hand", lang)
    return integer(value, lang) if isinstance(value, int) else number(value, 6, lang)


class VoteError(ValueError):
    """A vote the facilitator must correct; `field` names the box to fix ("a", "b", "tie",
    "none", "total", "qualifiers", "final", or a candidate's name). `message` is French and ready
    to show; `text(lang)` says it in the interface's language."""

    def __init__(self, field: str, key: str, **values: object) -> None:
        self.field = field
        self.key = key
        self.values = values
        self.message = self.reason()
        super().__init__(self.text())

    def reason(self, lang: str = DEFAULT) -> str:
        values = {name: _written(value, name, lang) for name, value in self.values.items()}
        return TEXTS(self.key, lang, **values)

    def text(self, lang: str = DEFAULT) -> str:
        """The box and what is wrong with it: « Modèle A : un nombre de mains est attendu »."""
        key = f"field.{self.field}"
        field = TEXTS(key, lang) if key in TEXTS else self.field
        return TEXTS("error", lang, field=field, reason=self.reason(lang))


class Outcome(StrEnum):
    """What the room decided for one duel."""

    A = "A"
    B = "B"
    TIE = "tie"  # « match nul » : both models become candidates for the final
    NONE = "none"  # « aucun des deux » : no candidate from this duel

    @property
    def label(self) -> str:
        return self.text()

    def text(self, lang: str = DEFAULT) -> str:
        return TEXTS(f"outcome.{self.value}", lang)


def parse_count(field: str, value: object) -> int:
    """A count typed by the facilitator: an int, or a string of digits ("" counts as 0)."""
    if isinstance(value, bool):
        raise VoteError(field, "count.expected")
    if isinstance(value, int):
        hands = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise VoteError(field, "count.integer", value=value)
        hands = int(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
        if text == "":
            return 0
        if text.startswith("-") and text[1:].isdigit():
            raise VoteError(field, "count.negative")
        if not text.isdecimal() or not text.isascii():
            raise VoteError(field, "count.not_integer", text=value.strip())
        hands = int(text)
    else:
        raise VoteError(field, "count.expected")
    if hands < 0:
        raise VoteError(field, "count.negative")
    if hands > MAX_HANDS:
        raise VoteError(field, "count.too_many", count=hands, max=MAX_HANDS)
    return hands


@dataclass(frozen=True)
class VoteCounts:
    """Hands raised for A, for B, for « les deux se valent » (tie) and for « aucun » (none).

    Built from ints or from the strings typed in the vote boxes; anything else raises
    `VoteError` naming the field. At least one hand is needed. `quick` marks a one-key vote
    (the facilitator pressed A, B, = or 0 without counting): it is stored as one hand.
    """

    a: int = 0
    b: int = 0
    tie: int = 0
    none: int = 0
    quick: bool = False

    def __post_init__(self) -> None:
        for name in ("a", "b", "tie", "none"):
            object.__setattr__(self, name, parse_count(name, getattr(self, name)))
        if self.total == 0:
            raise VoteError("total", "total.none")
        if self.total > MAX_HANDS:
            raise VoteError("total", "total.too_many", total=self.total, max=MAX_HANDS)

    @classmethod
    def quick_vote(cls, choice: str) -> VoteCounts:
        """One key, no counting: "A", "B", "tie" (or "="), "none" (or "0")."""
        key = {"a": "a", "b": "b", "tie": "tie", "=": "tie", "none": "none", "0": "none"}.get(choice.strip().lower())
        if key is None:
            raise VoteError("total", "quick.unknown", choice=choice)
        return cls(**{key: 1}, quick=True)

    @property
    def total(self) -> int:
        return self.a + self.b + self.tie + self.none

    def for_side(self, side: str) -> int:
        return {"A": self.a, "B": self.b}[side]

    @property
    def outcome(self) -> Outcome:
        """The rule in `WINNER_RULE_TEXT`."""
        if self.a > max(self.b, self.tie, self.none):
            return Outcome.A
        if self.b > max(self.a, self.tie, self.none):
            return Outcome.B
        if self.none > max(self.a, self.b, self.tie):
            return Outcome.NONE
        return Outcome.TIE

    def share(self, side: str) -> float:
        """The side's share of the hands, « les deux se valent » counting half (compar:IA's
        ranking counts a tie as half a win too); between 0 and 1."""
        return (self.for_side(side) + self.tie / 2) / self.total

    def to_json(self) -> dict[str, int | bool]:
        return {"a": self.a, "b": self.b, "tie": self.tie, "none": self.none, "quick": self.quick}


def check_qualifiers(qualifiers: dict[str, set[str]] | None) -> dict[str, frozenset[str]]:
    """Per side ("A"/"B"), a subset of `QUALIFIERS` keys; French error on anything else."""
    result: dict[str, frozenset[str]] = {"A": frozenset(), "B": frozenset()}
    for side, keys in (qualifiers or {}).items():
        if side not in result:
            raise VoteError("qualifiers", "qualifiers.side", side=side)
        unknown = sorted(set(keys) - QUALIFIERS.keys())
        if unknown:
            raise VoteError("qualifiers", "qualifiers.unknown", name=unknown[0], known=", ".join(QUALIFIERS))
        result[side] = frozenset(keys)
    return result
