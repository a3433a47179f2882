"""What the workshop explains between duels: the cards' figures, computed from the session and
the shipped data (catalog, equivalents, cards/facts.toml), and the charts' series.

Pure: no Textual. `build_card(key, workshop)` gives a card ready to show; `CARD_KEYS` their order.
"""

from __future__ import annotations

from duels_tui.explain.cards import CARD_KEYS, Bar, CardView, Chart, Figure, build_card

__all__ = ["CARD_KEYS", "Bar", "CardView", "Chart", "Figure", "build_card"]
