"""What the workshop explains between duels: the lessons' figures, computed from the session and
the shipped data (catalog, equivalents, lessons/facts.toml), and the charts' series.

Pure: no Textual. `build_lesson(key, workshop)` gives a lesson ready to show; `LESSON_KEYS` their order.
"""

from __future__ import annotations

from duels_tui.explain.lessons import LESSON_KEYS, Bar, Chart, Figure, LessonView, build_lesson

__all__ = ["LESSON_KEYS", "Bar", "Chart", "Figure", "LessonView", "build_lesson"]
