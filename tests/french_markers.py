"""What gives French away in a text meant to be English (`--lang en`): accents, French
punctuation spacing, and words English never uses. Shared by the domain's and the screens' tests."""

from __future__ import annotations

import re
from collections.abc import Iterable

MARKERS = (
    " le ", " la ", " les ", " des ", " du ", " une ", " est ", " et ", " pour ", " dans ", " pas ",
    " : ", " ; ", "«", "»", "é", "è", "ê", "à ", "ç", "Modèle", "jetons", "réponse", "Réponse", "Vérif",
    "milliards", "Licence :", "classe ", "profil ", "aucun", "Aucun",
)  # fmt: skip


def french_left(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The French markers still in `text` once the `allowed` texts (data written in French on
    purpose: a programme's titles and prompts, a place's name) are taken out."""
    for known in sorted(allowed, key=len, reverse=True):
        text = text.replace(known, " ")
    text = re.sub(r"\s+", " ", text)
    return [m for m in MARKERS if m in text]
