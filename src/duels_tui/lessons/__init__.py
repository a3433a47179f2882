"""The workshop's explanation cards: Markdown templates (one per card) and facts.toml, the
figures they cite with their sources. Read with importlib.resources by `duels_tui.explain`."""
