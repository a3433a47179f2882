"""The floor under the duel screen at a model's pace: a bare Textual app shaped like it (a header,
two bordered panes each with a title, a one-line stats line and a scrolling area, a footer) and
nothing of duels, for bench/ui_bench.py's pace part. Each pane is fed in-process the very tokens
the scripted server sends the app there, as far apart (a plain asyncio task appending to a
buffer), and a frame is drawn every FRAME_S while new text waits, as the duel screen does at this
pace (ui/screens/duel.py's frame_due: 5 frames a second), then at once when both answers end.

Variants (the `variant` of its spec):
- `lines`: each frame updates the two stats lines only, without a layout: what any Textual
  display refreshed 5 times a second costs, whatever it shows of the answers;
- `markdown`: the same, and the new text goes to Textual's stock Markdown widget
  (`await Markdown.append(new)`) in an anchored VerticalScroll: what Textual's own Markdown costs
  on the same text.

Run under a pty by bench/ui_bench.py's AppProcess, with the app's protocol (a JSON line per
command on `ctrl_fd`, a JSON line per result on `res_fd`):

    python bench/bare_pace.py SPEC.json

It reports `ready` once drawn; `{"do": "stream", "tokens": {"A": [...], "B": [...]}, "delay_s": S}`
plays one stream on fresh panes and reports the process's CPU seconds (`time.process_time`, every
thread) and the wall seconds from the first token to the frame that shows the last ones, painted."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import traceback

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Markdown, Static

FRAME_S = 0.2  # ui/screens/duel.py's MAX_WAIT_S: at 25 tokens/s a frame is due every 0.2 s
SETTLE_S = 0.3  # fresh panes drawn, then this long before the stream: as the app's bench child


class Pane(Vertical):
    def __init__(self, title: str, variant: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title, self.variant = title, variant

    def compose(self) -> ComposeResult:
        yield Static(self.title, classes="title")
        yield Static("en attente", classes="stats")
        with VerticalScroll():
            if self.variant == "markdown":
                yield Markdown()


class BarePace(App):
    CSS = """
    #panes { height: 1fr; }
    Pane { width: 1fr; border: round $primary; padding: 0 1; }
    Pane .title { text-style: bold; }
    VerticalScroll { height: 1fr; }
    """

    def __init__(self, spec: dict) -> None:
        super().__init__()
        self.variant = spec["variant"]
        self.results = os.fdopen(spec["res_fd"], "w", buffering=1)
        self.commands = os.fdopen(spec["ctrl_fd"], "r")
        self.text = {"A": "", "B": ""}
        self.shown = {"A": 0, "B": 0}
        self.tokens = {"A": 0, "B": 0}
        self.frames = 0

    def report(self, **message) -> None:
        self.results.write(json.dumps(message) + "\n")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Horizontal(id="panes")
        yield Footer()

    def on_ready(self) -> None:
        self.run_worker(self.drive(), exit_on_error=False)

    async def drive(self) -> None:
        try:
            await self.fresh_panes()
            self.report(event="ready")
            while True:
                line = await asyncio.to_thread(self.commands.readline)
                command = json.loads(line) if line.strip() else {"do": "quit"}
                if command["do"] == "quit":
                    break
                await self.stream(command["tokens"], command["delay_s"])
        except Exception:
            self.report(error=traceback.format_exc())
        self.exit()

    async def painted(self) -> None:
        done = asyncio.Event()
        self.call_after_refresh(done.set)
        await asyncio.wait_for(done.wait(), 30)

    async def fresh_panes(self) -> None:
        """New, empty panes, as each duel opens a new screen."""
        panes = self.query_one("#panes", Horizontal)
        await panes.remove_children()
        await panes.mount_all([Pane(f"Modèle {side}", self.variant, id=f"pane-{side}") for side in "AB"])
        for scroll in panes.query(VerticalScroll):
            scroll.anchor()
        await self.painted()

    async def stream(self, tokens: dict[str, list[str]], delay_s: float) -> None:
        await self.fresh_panes()
        await asyncio.sleep(SETTLE_S)
        self.text, self.shown, self.tokens = {"A": "", "B": ""}, {"A": 0, "B": 0}, {"A": 0, "B": 0}
        self.frames = 0
        cpu0, t0 = time.process_time(), time.monotonic()
        feeding = asyncio.gather(*(self.feed(side, tokens[side], delay_s) for side in "AB"))
        due = t0
        while not feeding.done():  # a frame every FRAME_S, and at once when the answers end
            due += FRAME_S
            await asyncio.wait([feeding], timeout=max(0.0, due - time.monotonic()))
            await self.frame()
        await feeding
        await self.painted()
        self.report(event="stream", cpu_s=time.process_time() - cpu0, wall_s=time.monotonic() - t0, frames=self.frames)

    async def feed(self, side: str, tokens: list[str], delay_s: float) -> None:
        """As the scripted server sends them: a token, then `delay_s`, then the next."""
        for i, token in enumerate(tokens):
            if i:
                await asyncio.sleep(delay_s)
            self.text[side] += token
            self.tokens[side] += 1

    async def frame(self) -> None:
        new = {side: self.text[side][self.shown[side]:] for side in "AB"}
        if not any(new.values()):
            return
        self.frames += 1
        with self.batch_update():  # both panes in one layout and one repaint, as the duel screen
            for side, text in new.items():
                if not text:
                    continue
                self.shown[side] += len(text)
                pane = self.query_one(f"#pane-{side}", Pane)
                stats = f"en cours · {self.tokens[side]} jetons · {self.shown[side]} caractères"
                pane.query_one(".stats", Static).update(stats, layout=False)
                if self.variant == "markdown":
                    await pane.query_one(Markdown).append(text)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    BarePace(spec).run()
