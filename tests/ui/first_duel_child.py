"""A first duel played by keys in a fresh interpreter, for tests/ui/test_ui_collector.py: prints
(JSON) the modules imported after the engine said it was ready, when `duels` freezes what is
loaded (cli/workshop.py's freeze_imports), and the stylesheet's sources added after it (a
widget's DEFAULT_CSS, parsed when the first of its class is mounted). The answers hold every kind
of Markdown block. Run as `python tests/ui/first_duel_child.py DIR`."""

import asyncio
import json
import random
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
sys.path[:0] = [str(here), str(here.parent)]

from ui_helpers import classique_on, wait_until  # noqa: E402

from duels_tui.arena.workshop import Workshop  # noqa: E402
from duels_tui.catalog import load_catalog  # noqa: E402
from duels_tui.config.programme import load_programme  # noqa: E402
from duels_tui.store import Store  # noqa: E402
from duels_tui.ui.app import DuelsApp  # noqa: E402
from scripted_server import ScriptedServer  # noqa: E402

# Every kind of block an answer's Markdown shows (textual_compat.growing_markdown's BLOCKS)
MARKDOWN = """# Titre

## Sous-titre

### Trois

#### Quatre

##### Cinq

###### Six

Un **paragraphe** et du `code`.

- un
- deux

1. premier
2. second

> une citation

```text
x = 1
```

| a | b |
|---|---|
| 1 | 2 |

---

Fin."""


async def first_duel(server: ScriptedServer, store: Store) -> dict[str, list]:
    tokens = [word + " " for word in MARKDOWN.split(" ")]
    models = load_programme("classique", load_catalog()).duels[0].model_ids
    catalog, programme = classique_on(server, {model: {"tokens": tokens} for model in models})
    workshop = Workshop.start(programme, catalog, store, rng=random.Random(3))
    loaded: list[set] = []
    app = DuelsApp(workshop, on_engine_ready=lambda: loaded.extend([set(sys.modules), set(app.stylesheet.source)]))
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_until(pilot, lambda: loaded, what="the engine's preload")
        await pilot.press("enter")  # Home: the first duel
        await wait_until(pilot, lambda: type(app.screen).__name__ == "DuelScreen", what="the duel")
        await pilot.press("f5")
        await wait_until(pilot, lambda: not workshop.duels[0].streaming and not app.screen.streaming,
                         what="the answers")
        await pilot.press("ctrl+v", "1", "2", "tab", "7", "tab", "3", "enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "RevealScreen", what="the reveal")
        await pilot.pause(0.3)
        await pilot.press("f")  # the final screen
        await wait_until(pilot, lambda: type(app.screen).__name__ == "FinalScreen", what="the final screen")
        await pilot.pause(0.3)
        sources = [list(source) for source in app.stylesheet.source if source not in loaded[1]]
    return {"modules": sorted(set(sys.modules) - loaded[0]), "rules": sources}


if __name__ == "__main__":
    with ScriptedServer() as server, Store.open(Path(sys.argv[1]) / "duels.sqlite3") as store:
        print(json.dumps(asyncio.run(first_duel(server, store))))
