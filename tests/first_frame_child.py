"""`duels --new -p classique` as a facilitator starts it, watched up to Home's first frame, for
tests/test_layers.py and bench/ui_bench.py: run in a terminal (a pty) as

    python tests/first_frame_child.py OUT [--stay]

At the first frame it writes OUT (JSON): when it started, when the frame came, whether litellm
was loaded then and when its import began, the top-level packages loaded and every module, the
screens and the stylesheet files Textual had, and duels' own dataclasses. It quits then, or with
--stay it writes OUT again a second later (litellm's import starts after the frame and the impact's
check: half a second was too short on a loaded machine) and goes on until killed. The app is hooked
once its module is loaded, where `duels` loads it (hooking it before would import Textual ahead of
duels' own start)."""

import importlib.machinery
import json
import os
import sys
import time

began = time.monotonic()
del sys.path[0]  # this folder (tests/): its helpers must not stand for any module duels imports
out, stay = sys.argv[1], "--stay" in sys.argv[2:]
record: dict = {"began": began, "litellm_import_at": None}


def dump() -> None:
    with open(out + ".part", "w", encoding="utf-8") as f:
        json.dump(record, f)
    os.replace(out + ".part", out)


def own_dataclasses() -> list[str]:
    """duels' own dataclasses loaded so far, by module and name."""
    import dataclasses

    return sorted(
        f"{name}.{attribute}"
        for name, module in list(sys.modules.items())
        if name.startswith("duels_tui")
        for attribute, value in vars(module).items()
        if isinstance(value, type) and value.__module__ == name and dataclasses.is_dataclass(value)
    )


def seen(app) -> None:
    """What was loaded at the first frame: at Textual's Ready, or when the work the app defers
    until after the first frame begins (DuelsApp._preload_engine), whichever comes first."""
    if "ready_at" in record:
        return
    record["ready_at"] = time.monotonic()
    record["litellm_at_first_frame"] = "litellm" in sys.modules
    record["packages"] = sorted({name.split(".")[0] for name in sys.modules})
    record["modules"] = sorted(sys.modules)
    record["screens"] = [type(screen).__name__ for screen in app.screen_stack]
    record["stylesheets"] = sorted(os.path.basename(path) for path, class_var in app.stylesheet.source if not class_var)
    record["dataclasses"] = own_dataclasses()


def on_ready(app) -> None:
    seen(app)
    if stay:
        app.set_timer(1.0, dump)
    else:
        dump()
        app.exit()


class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "litellm" and record["litellm_import_at"] is None:
            record["litellm_import_at"] = time.monotonic()
        if name != "duels_tui.ui.app":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module

        def exec_module(module) -> None:
            run(module)
            module.DuelsApp.on_ready = on_ready
            preload = module.DuelsApp._preload_engine

            def preload_seen(app) -> None:
                seen(app)
                preload(app)

            module.DuelsApp._preload_engine = preload_seen

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, Watch())
sys.argv = ["duels", "--new", "-p", "classique"]
from duels_tui.cli import main  # noqa: E402  (after the watch is in place)

main()  # as the `duels` command does
