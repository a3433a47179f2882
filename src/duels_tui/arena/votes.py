"""The room's vote: hands counted by the facilitator, the winner of a duel, each side's share.

A room vote is a count (12 hands for A, 7 for B...), not one visitor's choice as on compar:IA.
The rules below are the ones the facilitator explains on screen; their French wording lives
here, next to the code that applies them, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_HANDS = 10_000  # a room, even a lecture hall; more is a typing slip (an extra zero)

FIELD_LABELS = {
    "a": "Modèle A",
    "b": "Modèle B",
    "tie": "Les deux se valent",
    "none": "Aucun des deux",
    "total": "Total",
}

# compar:IA's qualifiers, in its order; keys are the dataset's column stems (conv_<key>_a).
POSITIVE_QUALIFIERS = {
    "useful": "Utile",
    "complete": "Complète",
    "creative": "Créative",
    "clear_formatting": "Mise en forme claire",
}
NEGATIVE_QUALIFIERS = {
    "incorrect": "Incorrecte",
    "superficial": "Superficielle",
    "instructions_not_followed": "Instructions non suivies",
}
QUALIFIERS = {**POSITIVE_QUALIFIERS, **NEGATIVE_QUALIFIERS}

WINNER_RULE_TEXT = (
    "Le modèle qui recueille le plus de mains gagne le duel, à condition d'en avoir plus que "
    "« les deux se valent » et « aucun des deux ». Si « aucun des deux » l'emporte seul, le duel "
    "n'a pas de gagnant. Dans tous les autres cas (A et B à égalité, ou « les deux se valent » en "
    "tête), le duel est déclaré nul."
)

SHARE_RULE_TEXT = (
    "La part des voix d'un modèle : ses mains, plus la moitié des « les deux se valent », "
    "divisées par toutes les mains levées du duel."
)


class VoteError(ValueError):
    """A vote the facilitator must correct; `field` names the box to fix ("a", "b", "tie",
    "none", "total", "qualifiers", "final"), `message` is French and ready to show."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{FIELD_LABELS.get(field, field)} : {message}")
        self.field = field
        self.message = message


class Outcome(StrEnum):
    """What the room decided for one duel."""

    A = "A"
    B = "B"
    TIE = "tie"  # « match nul » : both models become candidates for the final
    NONE = "none"  # « aucun des deux » : no candidate from this duel

    @property
    def label(self) -> str:
        return {
            Outcome.A: "Modèle A gagne",
            Outcome.B: "Modèle B gagne",
            Outcome.TIE: "Match nul",
            Outcome.NONE: "Aucun des deux ne convient",
        }[self]


def parse_count(field: str, value: object) -> int:
    """A count typed by the facilitator: an int, or a string of digits ("" counts as 0)."""
    if isinstance(value, bool):
        raise VoteError(field, "un nombre de mains est attendu")
    if isinstance(value, int):
        count = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise VoteError(field, f"un nombre entier de mains est attendu, pas {value:g}")
        count = int(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace("\u202f", "").replace("\u00a0", "")
        if text == "":
            return 0
        if text.startswith("-") and text[1:].isdigit():
            raise VoteError(field, "un nombre de mains ne peut pas être négatif")
        if not text.isdecimal() or not text.isascii():
            raise VoteError(field, f"« {value.strip()} » n'est pas un nombre entier")
        count = int(text)
    else:
        raise VoteError(field, "un nombre de mains est attendu")
    if count < 0:
        raise VoteError(field, "un nombre de mains ne peut pas être négatif")
    if count > MAX_HANDS:
        raise VoteError(field, f"{count} mains, c'est plus que le maximum accepté ({MAX_HANDS})")
    return count


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
            raise VoteError("total", "aucune main levée : saisissez au moins un vote")
        if self.total > MAX_HANDS:
            raise VoteError("total", f"{self.total} mains au total, plus que le maximum ({MAX_HANDS})")

    @classmethod
    def quick_vote(cls, choice: str) -> VoteCounts:
        """One key, no counting: "A", "B", "tie" (or "="), "none" (or "0")."""
        key = {"a": "a", "b": "b", "tie": "tie", "=": "tie", "none": "none", "0": "none"}.get(choice.strip().lower())
        if key is None:
            raise VoteError("total", f"vote rapide inconnu « {choice} » : A, B, = ou 0")
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
            raise VoteError("qualifiers", f"côté inconnu « {side} » : A ou B")
        unknown = sorted(set(keys) - QUALIFIERS.keys())
        if unknown:
            raise VoteError(
                "qualifiers",
                f"qualificatif inconnu « {unknown[0]} » ; possibles : {', '.join(QUALIFIERS)}",
            )
        result[side] = frozenset(keys)
    return result
