"""Engine: sustained tokens/s of each live source (the direct HTTP one, litellm) against bare httpx
reading the same stream in the same run, the CPU seconds each spends per 1,000 tokens, and how much
a duel costs over its slower answer alone (concurrency: target <= 1.10).

The scripted server (tests/scripted_server.py) runs in its own process, so that its work does not
share this interpreter's GIL with the client being measured, nor its CPU time (`process_time`
counts this process's threads only)."""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from duels_tui.engine.duel import Duel
from duels_tui.engine.events import AnswerRequest, Done, Message
from duels_tui.engine.http_source import DirectSource, close_client
from duels_tui.engine.litellm_source import LiteLLMSource, preload
from duels_tui.engine.routing import RoutedSource
from duels_tui.engine.source import AnswerSource, collect

SERVER = Path(__file__).resolve().parent.parent / "tests" / "scripted_server.py"
RUNS = 5
STREAM_TOKENS = 3000  # sent as fast as the reader takes them
MODELS = [
    {"name": "rafale", "tokens": STREAM_TOKENS},
    {"name": "lent", "tokens": 61, "delay_s": 0.025},  # 60 gaps of 25 ms: 1.5 s
    {"name": "vif", "tokens": 151, "delay_s": 0.005},  # 0.75 s
]
PROMPT = (Message("user", "Explique-moi ce qu'est un token."),)


def _start_server(script: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", "0", "--script", str(script)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"scripted server did not start: {line!r}")
    return process, line.split()[-1]


def _request(base: str, model: str) -> AnswerRequest:
    return AnswerRequest(route=f"ollama_chat/{model}", messages=PROMPT, api_base=base, stall_timeout_s=30)


Rate = tuple[float, float]  # tokens/s, CPU seconds per 1,000 tokens


async def _source_rate(source: AnswerSource, base: str) -> Rate:
    cpu = time.process_time()
    answer = await collect(source, _request(base, "rafale"))
    cpu = time.process_time() - cpu
    if answer.error is not None or answer.done is None or answer.done.tokens_per_s is None:
        raise RuntimeError(f"engine run failed: {answer.error}")
    return answer.done.tokens_per_s, cpu / STREAM_TOKENS * 1000


async def _httpx_rate(client: httpx.AsyncClient, base: str) -> Rate:
    """The same stream read with bare httpx: NDJSON lines parsed, text taken, nothing else."""
    body = {"model": "rafale", "messages": [{"role": "user", "content": PROMPT[0].content}], "stream": True}
    tokens, first, last = 0, 0.0, 0.0
    cpu = time.process_time()
    async with client.stream("POST", f"{base}/api/chat", json=body) as response:
        async for line in response.aiter_lines():
            if not line:
                continue
            content = json.loads(line)["message"].get("content")
            if content:
                last = time.perf_counter()
                if tokens == 0:
                    first = last
                tokens += 1
    cpu = time.process_time() - cpu
    return tokens / (last - first), cpu / tokens * 1000


async def _alone(base: str) -> float:
    began = time.perf_counter()
    answer = await collect(RoutedSource(), _request(base, "lent"))
    if answer.error is not None:
        raise RuntimeError(f"slow model failed: {answer.error}")
    return time.perf_counter() - began


async def _duel(base: str) -> float:
    began = time.perf_counter()
    ends = [event async for _, event in Duel.between(RoutedSource(), _request(base, "lent"), _request(base, "vif"))]
    if sum(isinstance(e, Done) for e in ends) != 2:
        raise RuntimeError("a duel side failed")
    return time.perf_counter() - began


def _summary(name: str, rates: list[Rate], bare: list[Rate]) -> dict[str, float]:
    # A ratio of medians: one run of 3,000 tokens lasts 0.1 s, and the ratio of two such runs
    # swings with whatever else the 2 cores do at that moment.
    median = statistics.median(r for r, _ in rates)
    return {
        f"{name}_tokens_per_s": median,
        f"{name}_over_httpx_ratio": median / statistics.median(b for b, _ in bare),
        f"{name}_cpu_s_per_1000_tokens": statistics.median(c for _, c in rates),
    }


async def _measure(base: str) -> dict[str, float]:
    await preload()
    direct, litellm, bare, alone, duel = [], [], [], [], []
    try:
        async with httpx.AsyncClient(timeout=30, trust_env=False) as client:
            await _source_rate(DirectSource(), base)  # warm every path once
            await _source_rate(LiteLLMSource(), base)
            await _httpx_rate(client, base)
            for _ in range(RUNS):  # interleaved, so that a busy moment hits all alike
                direct.append(await _source_rate(DirectSource(), base))
                litellm.append(await _source_rate(LiteLLMSource(), base))
                bare.append(await _httpx_rate(client, base))
                alone.append(await _alone(base))
                duel.append(await _duel(base))
    finally:
        await close_client()
    return {
        **_summary("direct", direct, bare),
        **_summary("litellm", litellm, bare),
        "httpx_tokens_per_s": statistics.median(r for r, _ in bare),
        "httpx_cpu_s_per_1000_tokens": statistics.median(c for _, c in bare),
        "direct_over_httpx_target": 0.90,
        "duel_concurrency_ratio": statistics.median(duel) / statistics.median(alone),
        "duel_wall_s": statistics.median(duel),
        "slower_alone_wall_s": statistics.median(alone),
        "duel_concurrency_target": 1.10,
        "stream_tokens": STREAM_TOKENS,
        "runs": RUNS,
    }


def run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "models.json"
        script.write_text(json.dumps({"models": MODELS}), encoding="utf-8")
        process, base = _start_server(script)
        try:
            return asyncio.run(_measure(base))
        finally:
            process.terminate()
            process.wait(5)


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:30} {value:.4g}" if isinstance(value, float) else f"{key:30} {value}")
