"""The embedded engine on this machine: how long each llama.cpp server takes to start, and how
fast each bundled model writes alone and during a duel (both at once, one thread each on 2 cores).

`engines_*`: the server duels runs (llama.cpp's own, from xllamacpp's prebuilt wheels) against the
one it ran before (llama-cpp-python's, compiled here), in the same run on the same prompts, asked
in turn so that a busy moment of the machine hits both alike: start time, first token, tokens/s,
the server's CPU seconds per 1,000 tokens. Skipped when llama-cpp-python is not installed.

Tokens per second are counted at the server (one streamed chunk is one token: llama.cpp sends no
token count in a stream) and, for comparison, as the app sees them through litellm (whose count is
then a tiktoken estimate). Time to first token includes reading the prompt (never a cached one)."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from pathlib import Path

import httpx

from duels_tui.engine.local_models import BUNDLED
from duels_tui.engine.local_server import LocalEngine, LocalServer

MODELS = ("smollm2-135m", "gemma3-270m")
PROMPT = "Explique à un enfant de 10 ans pourquoi les data centers consomment de l'énergie. Sois très concis."
MAX_TOKENS = 128
RUNS = 3


_asked = 0


async def _stream(client: httpx.AsyncClient, api_base: str, number: int | None = None) -> dict[str, float]:
    """One answer read straight from the server: time to first token, tokens, tokens/s. Each
    question is numbered (`number`, else the next one): llama.cpp would otherwise reuse the
    cached prompt and answer at once."""
    global _asked
    _asked += 1
    body = {
        "model": "local",
        "messages": [{"role": "user", "content": f"Question {number or _asked}. {PROMPT}"}],
        "max_tokens": MAX_TOKENS,
        "temperature": 0.7,
        "stream": True,
    }
    return await read_openai_stream(client, api_base, body)


async def read_openai_stream(client: httpx.AsyncClient, api_base: str, body: dict) -> dict[str, float]:
    """Read one streamed answer of an OpenAI-compatible server as a bare client would: time to
    first token, tokens (one content chunk is one token for llama.cpp), tokens/s after the first."""
    began = time.perf_counter()
    first = last = 0.0
    tokens = 0
    async with client.stream("POST", f"{api_base}/chat/completions", json=body) as response:
        async for line in response.aiter_lines():
            if not line.startswith("data: {"):
                continue
            delta = json.loads(line[6:])["choices"][0].get("delta") or {}
            if delta.get("content"):
                last = time.perf_counter()
                first = first or last
                tokens += 1
    rate = (tokens - 1) / (last - first) if tokens > 1 and last > first else 0.0
    return {"ttft_s": first - began, "tokens": tokens, "tokens_per_s": rate}


async def _litellm_rate(api_base: str, key: str) -> float | None:
    from duels_tui.engine.events import AnswerRequest, Message
    from duels_tui.engine.litellm_source import LiteLLMSource
    from duels_tui.engine.source import collect

    request = AnswerRequest(
        route=f"openai/{key}", messages=(Message("user", PROMPT),), api_base=api_base, max_tokens=MAX_TOKENS
    )
    answer = await collect(LiteLLMSource(), request)
    return answer.done.tokens_per_s if answer.done is not None else None


def _median(runs: list[dict[str, float]], key: str) -> float:
    return round(statistics.median(r[key] for r in runs), 3)


async def _measure(engine: LocalEngine) -> dict[str, object]:
    from duels_tui.engine.litellm_source import close_clients, preload

    await preload()
    out: dict[str, object] = {}
    async with httpx.AsyncClient(timeout=120, trust_env=False) as client:
        for key in MODELS:  # warm each server once (first answer loads caches)
            await _stream(client, engine.api_base(key))
        alone: dict[str, list[dict[str, float]]] = {key: [] for key in MODELS}
        duel: dict[str, list[dict[str, float]]] = {key: [] for key in MODELS}
        duel_wall = []
        for _ in range(RUNS):  # interleaved, so that a busy moment of the machine hits all alike
            for key in MODELS:
                alone[key].append(await _stream(client, engine.api_base(key)))
            began = time.perf_counter()
            both = await asyncio.gather(*(_stream(client, engine.api_base(key)) for key in MODELS))
            duel_wall.append(time.perf_counter() - began)
            for key, result in zip(MODELS, both, strict=True):
                duel[key].append(result)
        for key in MODELS:
            out[f"{key}_alone_tokens_per_s"] = _median(alone[key], "tokens_per_s")
            out[f"{key}_alone_ttft_s"] = _median(alone[key], "ttft_s")
            out[f"{key}_duel_tokens_per_s"] = _median(duel[key], "tokens_per_s")
            out[f"{key}_duel_ttft_s"] = _median(duel[key], "ttft_s")
            out[f"{key}_tokens_per_answer"] = _median(alone[key], "tokens")
            out[f"{key}_alone_litellm_tokens_per_s"] = round(await _litellm_rate(engine.api_base(key), key) or 0.0, 1)
        out["duel_wall_s"] = round(statistics.median(duel_wall), 2)
    await close_clients()
    return out


ENGINES = ("xllamacpp", "llama-cpp-python")
COMPARE_RUNS = 5


def _cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process so far (Linux's /proc; its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _compare(servers: dict[str, LocalServer]) -> dict[str, object]:
    runs: dict[str, list[dict[str, float]]] = {engine: [] for engine in servers}
    async with httpx.AsyncClient(timeout=300, trust_env=False) as client:
        for server in servers.values():  # warm each once
            await _stream(client, server.api_base)
        for run in range(COMPARE_RUNS):
            for engine, server in servers.items():  # the same question to both, in turn
                assert server.process is not None
                before = _cpu_s(server.process.pid)
                result = await _stream(client, server.api_base, number=1000 + run)
                spent = _cpu_s(server.process.pid) - before
                result["cpu_s_per_1000_tokens"] = spent * 1000 / max(1, result["tokens"])
                runs[engine].append(result)
    out: dict[str, object] = {}
    for engine, results in runs.items():
        name = engine.replace("-", "_")
        for key in ("tokens_per_s", "ttft_s", "cpu_s_per_1000_tokens", "tokens"):
            out[f"engines_{name}_{key}"] = _median(results, key)
    return out


def compare_engines() -> dict[str, object]:
    """SmolLM2, one thread per server as in a duel, both servers up at once, asked in turn."""
    import importlib.util

    if importlib.util.find_spec("llama_cpp") is None:
        return {"engines_skipped": "llama-cpp-python non installé (make bench l'installe pour comparer)"}
    key = "smollm2-135m"
    path = BUNDLED[key].path()
    servers = {engine: LocalServer(key, path, threads=1, engine=engine) for engine in ENGINES}
    out: dict[str, object] = {"engines_model": key, "engines_runs": COMPARE_RUNS}
    try:
        for engine, server in servers.items():  # one after the other: each start measured alone
            server.start()
            out[f"engines_{engine.replace('-', '_')}_start_s"] = round(server.started_s or 0.0, 2)
        out.update(asyncio.run(_compare(servers)))
    finally:
        for server in servers.values():
            server.stop()
    return out


def run() -> dict:
    out: dict[str, object] = {"cpus": os.cpu_count(), "max_tokens": MAX_TOKENS, "runs": RUNS}
    out.update(compare_engines())
    # Each model alone on a fresh server (all cores), as `LocalEngine.start` does for one model.
    for key in MODELS:
        with LocalEngine() as single:
            single.start([key])
            out[f"{key}_start_s"] = round(single.servers[key].started_s or 0.0, 2)
            rate = asyncio.run(_single_rate(single.api_base(key)))
            out[f"{key}_alone_all_cores_tokens_per_s"] = rate
    # The duel set-up: both servers at once, cores split between them.
    began = time.perf_counter()
    with LocalEngine() as engine:
        engine.start(list(MODELS))
        out["both_start_s"] = round(time.perf_counter() - began, 2)
        out["threads_per_server"] = engine.servers[MODELS[0]].threads
        out.update(asyncio.run(_measure(engine)))
    return out


async def _single_rate(api_base: str) -> float:
    async with httpx.AsyncClient(timeout=120, trust_env=False) as client:
        await _stream(client, api_base)
        runs = [await _stream(client, api_base) for _ in range(RUNS)]
    return _median(runs, "tokens_per_s")


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name:45} {value}")
