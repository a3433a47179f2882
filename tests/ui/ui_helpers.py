"""Helpers for Pilot tests."""

from __future__ import annotations

import asyncio
import dataclasses
import time

from duels_tui.catalog import load_catalog
from duels_tui.config.programme import load_programme


async def wait_until(pilot, predicate, timeout: float = 30.0, what: str = "condition") -> None:
    """`pilot.pause()` does not wait for workers: poll until `predicate()` holds. `timeout` only
    stops a test that would hang: it is no measure of speed (litellm's import, in a worker, took
    more than 10 s on a machine loaded 5 times over its cores)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)
    await asyncio.sleep(0)


def screen_text(app) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot's text runs)."""
    import html
    import re

    svg = app.export_screenshot()
    runs = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    return html.unescape("".join(runs)).replace("\xa0", " ")


def screen_lines(app) -> list[str]:
    """What the terminal shows, line by line (the SVG screenshot's text runs grouped by row)."""
    import html
    import re

    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in re.findall(r'<text[^>]*?x="([\d.]+)" y="([\d.]+)"[^>]*>(.*?)</text>', app.export_screenshot()):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    return ["".join(text for _, text in sorted(row)) for _, row in sorted(rows.items())]


async def quick_vote(pilot, key: str) -> None:
    """A quick vote as the vote screen's hint says: from the first count box (where the screen
    opens), Tab past the four counts to the quick-vote buttons, then the letter."""
    await pilot.press("tab", "tab", "tab", "tab", key)


def classique_on(server, scripts: dict[str, dict] | None = None):
    """The classique programme and catalog, every model served by the scripted server under its
    own id; `scripts` tunes a model's ModelScript fields (pace, failures...)."""
    from scripted_server import ModelScript

    catalog = load_catalog()
    programme = load_programme("classique", catalog)
    for duel in programme.duels:
        for model_id in duel.model_ids:
            fields = {"tokens": 40, "delay_s": 0.005, **(scripts or {}).get(model_id, {})}
            server.add(ModelScript(model_id, **fields))
            catalog.models[model_id] = dataclasses.replace(
                catalog.models[model_id], route=f"ollama_chat/{model_id}", api_base=server.base_url,
                api_key_env=None, profile="datacenter-h100")
    return catalog, programme


async def steady_cursors(pilot) -> None:
    """For a snapshot: the text boxes' cursors stop blinking (a focused box's cursor was on or off
    depending on when the picture was taken)."""
    for box in pilot.app.screen.query("Input, TextArea"):
        box.cursor_blink = False
    await pilot.pause()


def count_drawn_lines(widgets, name=lambda widget: type(widget).__name__) -> dict[str, int]:
    """From now on, the lines each of `widgets` draws, by `name(widget)`: what a frame repaints."""
    drawn: dict[str, int] = {}
    for widget in widgets:
        original = widget.render_lines

        def counted(crop, widget=widget, original=original):
            key = name(widget)
            drawn[key] = drawn.get(key, 0) + crop.height
            return original(crop)

        widget.render_lines = counted
    return drawn
