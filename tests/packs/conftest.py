"""A paced fake model (no server, no litellm) and a pack recorded from it on the demo catalog."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from duels_tui.engine.events import AnswerRequest, Done, ReasoningDelta, StreamEvent, TextDelta, Usage


class PacedSource:
    """Answers like a model would: a wait before the first token, then a chunk every `gap_s`;
    reasoning models think first. Its `Done` is measured, as LiteLLMSource's is."""

    def __init__(self, first_s: float = 0.08, gap_s: float = 0.012, chunks: int = 12) -> None:
        self.first_s = first_s
        self.gap_s = gap_s
        self.chunks = chunks

    async def stream(self, request: AnswerRequest) -> AsyncIterator[StreamEvent]:
        started = time.perf_counter()
        await asyncio.sleep(self.first_s)
        first = time.perf_counter()
        thinking = "reasoner" in request.route or "qwq" in request.route
        model = request.route.split("/", 1)[1]
        for i in range(self.chunks):
            if i:
                await asyncio.sleep(self.gap_s)
            if thinking and i < 3:
                yield ReasoningDelta(f"je réfléchis {i} ")
            else:
                yield TextDelta(f"{model} mot{i} ")
        last = time.perf_counter()
        yield Usage(
            prompt_tokens=12, completion_tokens=self.chunks, source="server", reasoning_tokens=3 if thinking else None
        )
        yield Done(first - started, last - first, last - started, self.chunks / (last - first), "stop")


@pytest.fixture
def paced() -> PacedSource:
    return PacedSource()


@pytest.fixture(scope="session")
def recorded_document(tmp_path_factory) -> dict:
    """The 3-duel demo programme recorded once from PacedSource (0.7 s), in isolated dirs."""
    from duels_tui.arena.testing import demo_catalog, demo_programme
    from duels_tui.packs.record import record_programme

    home = tmp_path_factory.mktemp("recording")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DUELS_CONFIG_DIR", str(home / "config"))
        patch.setenv("DUELS_DATA_DIR", str(home / "data"))
        recording = asyncio.run(record_programme(demo_programme(3), demo_catalog(), PacedSource()))
    assert recording.failures == []
    return recording.document


@pytest.fixture
def recorded_pack(tmp_path, recorded_document) -> Path:
    """That recording saved as this test's own pack file."""
    from duels_tui.packs.format import save_pack

    return save_pack(recorded_document, tmp_path / "demo.pack.json")


@pytest.fixture
def edit_pack():
    """`edit_pack(path, change)`: load the pack's JSON, let `change(document)` alter it, write it back."""

    def edit(path: Path, change) -> Path:
        document = json.loads(path.read_text(encoding="utf-8"))
        change(document)
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        return path

    return edit
