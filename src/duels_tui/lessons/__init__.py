"""The workshop's lessons (« fiches » on screen): Markdown templates (one per lesson) and
facts.toml, the figures they cite with their sources. Read with importlib.resources by `duels_tui.explain`."""
