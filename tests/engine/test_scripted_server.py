"""The scripted server itself, read with bare httpx: what `duels check` and later tests rely on."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from scripted_server import ANSWER_TOKENS, ModelScript, ScriptedServer, words

SERVER = Path(__file__).parent.parent / "scripted_server.py"


def ndjson(response: httpx.Response) -> list[dict]:
    return [json.loads(line) for line in response.text.splitlines() if line]


def test_tags_and_show_describe_models_like_ollama(scripted_server):
    scripted_server.add(ModelScript("gemma3:4b", parameter_size="4.3B", quantization_level="Q4_K_M"))
    tags = httpx.get(f"{scripted_server.base_url}/api/tags").json()
    assert [m["name"] for m in tags["models"]] == ["gemma3:4b"]
    assert tags["models"][0]["details"]["parameter_size"] == "4.3B"
    show = httpx.post(f"{scripted_server.base_url}/api/show", json={"model": "gemma3:4b"}).json()
    assert show["details"]["quantization_level"] == "Q4_K_M"
    missing = httpx.post(f"{scripted_server.base_url}/api/show", json={"model": "absent"})
    assert missing.status_code == 404
    assert httpx.get(f"{scripted_server.base_url}/api/version").json()["version"]
    assert httpx.get(scripted_server.base_url).text == "Ollama is running"


def test_openai_models_list(scripted_server):
    scripted_server.add(ModelScript("a"), ModelScript("b"))
    listed = httpx.get(f"{scripted_server.openai_base}/models").json()
    assert [m["id"] for m in listed["data"]] == ["a", "b"]


def test_ollama_stream_thinking_then_text_then_counts(scripted_server):
    scripted_server.add(ModelScript("m", thinking=2, tokens=3, prompt_tokens=9))
    body = {"model": "m", "messages": [{"role": "user", "content": "Salut"}]}
    chunks = ndjson(httpx.post(f"{scripted_server.base_url}/api/chat", json=body))
    assert [bool(c["message"].get("thinking")) for c in chunks] == [True, True, False, False, False, False]
    assert "".join(c["message"]["content"] for c in chunks) == "".join(ANSWER_TOKENS[:3]).lstrip()
    final = chunks[-1]
    assert final["done"] is True and final["done_reason"] == "stop"
    assert (final["prompt_eval_count"], final["eval_count"]) == (9, 5)
    (request,) = scripted_server.chat_requests("m")
    assert request.completed and request.tokens_sent == 5 and request.status == 200


def test_ollama_non_streaming_and_num_predict(scripted_server):
    scripted_server.add(ModelScript("m", tokens=100_000))
    question = [{"role": "user", "content": "?"}]
    body = {"model": "m", "messages": question, "stream": False, "options": {"num_predict": 4}}
    reply = httpx.post(f"{scripted_server.base_url}/api/chat", json=body).json()
    assert reply["message"]["content"] == "".join(ANSWER_TOKENS[:4]).lstrip()
    assert reply["done_reason"] == "length" and reply["eval_count"] == 4


def test_no_usage_omits_the_counts(scripted_server):
    scripted_server.add(ModelScript("m", tokens=2, usage=False))
    body = {"model": "m", "messages": []}
    final = ndjson(httpx.post(f"{scripted_server.base_url}/api/chat", json=body))[-1]
    assert final["done"] is True and "eval_count" not in final


def test_openai_stream_has_no_usage_unless_asked_and_allowed(scripted_server):
    scripted_server.add(ModelScript("m", tokens=2), ModelScript("llamacpp", tokens=2, usage=False))
    url = f"{scripted_server.openai_base}/chat/completions"
    for model, ask, has_usage in [("m", False, False), ("m", True, True), ("llamacpp", True, False)]:
        body = {"model": model, "messages": [], "stream": True, "stream_options": {"include_usage": ask}}
        events = [line[6:] for line in httpx.post(url, json=body).text.splitlines() if line.startswith("data: ")]
        assert events[-1] == "[DONE]"
        usage = [json.loads(e)["usage"] for e in events[:-1] if "usage" in json.loads(e)]
        assert bool(usage) is has_usage, (model, ask)


def test_unknown_model_and_scripted_status(scripted_server):
    scripted_server.add(ModelScript("panne", status=500))
    url = f"{scripted_server.base_url}/api/chat"
    assert httpx.post(url, json={"model": "absent"}).status_code == 404
    assert httpx.post(url, json={"model": "panne"}).json() == {"error": "scripted error 500"}


def test_drop_cuts_the_body(scripted_server):
    scripted_server.add(ModelScript("m", tokens=10, drop_after=2))
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(f"{scripted_server.base_url}/api/chat", json={"model": "m"})
    (request,) = scripted_server.chat_requests()
    assert request.dropped and request.tokens_sent == 2 and not request.completed


def test_client_leaving_mid_stream_is_seen_at_once(scripted_server):
    scripted_server.add(ModelScript("m", tokens=1000, delay_s=0.05))
    with (
        httpx.Client() as client,
        client.stream("POST", f"{scripted_server.base_url}/api/chat", json={"model": "m"}) as r,
    ):
        lines = r.iter_lines()  # kept: a dropped iterator would close the response at once
        next(lines)
        (request,) = scripted_server.chat_requests()
        assert scripted_server.is_open(request.connection_id)
    assert scripted_server.wait_until(lambda: not scripted_server.is_open(request.connection_id), 0.5)
    assert request.client_left and not request.completed


def test_keep_alive_serves_several_requests_on_one_connection(scripted_server):
    scripted_server.add(ModelScript("m", tokens=3))
    with httpx.Client() as client:
        for _ in range(3):
            client.post(f"{scripted_server.base_url}/api/chat", json={"model": "m"}).raise_for_status()
    ids = {r.connection_id for r in scripted_server.requests}
    assert len(ids) == 1 and scripted_server.connections_opened == 1


def test_script_models_at_run_time_over_http(scripted_server):
    body = {"models": [{"name": "nouveau", "tokens": 2, "headers_delay_s": "inf"}]}
    assert "nouveau" in httpx.post(f"{scripted_server.base_url}/_script", json=body).json()["models"]
    assert scripted_server.models["nouveau"].headers_delay_s == float("inf")
    bad = httpx.post(f"{scripted_server.base_url}/_script", json={"models": [{"name": "x", "vitesse": 1}]})
    assert bad.status_code == 400
    recorded = httpx.get(f"{scripted_server.base_url}/_requests").json()
    assert [r["path"] for r in recorded] == ["/_script", "/_script", "/_requests"]


def test_words_round_trip():
    text = "Bonjour, le monde !\nÀ bientôt."
    assert "".join(words(text)) == text


def test_two_servers_get_two_free_ports():
    with ScriptedServer() as one, ScriptedServer() as two:
        assert one.port != two.port and one.port > 0


def test_standalone_process_with_a_script_file(tmp_path):
    script = tmp_path / "modeles.json"
    script.write_text(json.dumps({"models": [{"name": "gemma3:4b", "tokens": 3, "delay_s": 0.01}]}))
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "--port", "0", "--script", str(script)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("listening on http://127.0.0.1:")
        base = first.split()[-1]
        assert [m["name"] for m in httpx.get(f"{base}/api/tags").json()["models"]] == ["gemma3:4b"]
        chunks = ndjson(httpx.post(f"{base}/api/chat", json={"model": "gemma3:4b"}))
        assert chunks[-1]["eval_count"] == 3
    finally:
        process.terminate()
        assert process.wait(5) == 0


# --- loading, memory, pull and thinking, as ollama does them ------------------------------------


def test_the_first_request_loads_the_model_then_it_stays_loaded(scripted_server):
    scripted_server.add(ModelScript("gros", tokens=3, load_s=0.3))
    base = scripted_server.base_url
    assert httpx.get(f"{base}/api/ps").json() == {"models": []}
    body = {"model": "gros", "messages": [{"role": "user", "content": "?"}]}
    began = time.monotonic()
    chunks = ndjson(httpx.post(f"{base}/api/chat", json=body))
    assert time.monotonic() - began >= 0.3
    assert chunks[-1]["load_duration"] >= 300_000_000
    chunks = ndjson(httpx.post(f"{base}/api/chat", json=body))
    assert chunks[-1]["load_duration"] < 100_000_000  # loaded already
    (running,) = httpx.get(f"{base}/api/ps").json()["models"]
    assert running["name"] == "gros" and running["size"] == ModelScript("x").size_bytes
    assert scripted_server.loads == ["gros"]


def test_generate_without_prompt_loads_and_keep_alive_zero_unloads(scripted_server):
    scripted_server.add(ModelScript("m", load_s=0.2))
    base = scripted_server.base_url
    began = time.monotonic()
    loaded = httpx.post(f"{base}/api/generate", json={"model": "m", "keep_alive": "30m"}).json()
    assert loaded["done"] is True and loaded["done_reason"] == "load" and loaded["response"] == ""
    assert time.monotonic() - began >= 0.2
    chat = httpx.post(f"{base}/api/chat", json={"model": "m", "messages": []}).json()
    assert chat["done_reason"] == "load"  # an empty chat loads too
    unloaded = httpx.post(f"{base}/api/generate", json={"model": "m", "keep_alive": 0}).json()
    assert unloaded["done_reason"] == "unload"
    assert httpx.get(f"{base}/api/ps").json() == {"models": []}
    missing = httpx.post(f"{base}/api/generate", json={"model": "absent"})
    assert missing.status_code == 404 and "not found" in missing.json()["error"]


def test_two_loads_at_once_share_one(scripted_server):
    scripted_server.add(ModelScript("m", load_s=0.3))

    def load() -> None:
        httpx.post(f"{scripted_server.base_url}/api/generate", json={"model": "m"}, timeout=5)

    import threading

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert scripted_server.loads == ["m"]


def test_memory_too_small_for_two_unloads_the_least_recently_used():
    size = 10_000_000_000
    with ScriptedServer([ModelScript("a", size_bytes=size), ModelScript("b", size_bytes=size)],
                        memory_bytes=int(1.5 * size)) as server:
        for name in ("a", "b", "a"):
            httpx.post(f"{server.base_url}/api/generate", json={"model": name})
        assert server.loads == ["a", "b", "a"] and server.unloads == ["a", "b"]
        assert [m["name"] for m in httpx.get(f"{server.base_url}/api/ps").json()["models"]] == ["a"]


def test_pull_streams_progress_then_the_model_is_installed(scripted_server):
    scripted_server.add(ModelScript("nouveau:1b", installed=False, pull_s=0.1, size_bytes=1000))
    base = scripted_server.base_url
    assert httpx.get(f"{base}/api/tags").json()["models"] == []
    chat = httpx.post(f"{base}/api/chat", json={"model": "nouveau:1b", "messages": [{"role": "user", "content": "?"}]})
    assert chat.status_code == 404
    lines = ndjson(httpx.post(f"{base}/api/pull", json={"model": "nouveau:1b"}))
    assert lines[0] == {"status": "pulling manifest"}
    completed = [line["completed"] for line in lines if "completed" in line]
    assert completed == sorted(completed) and completed[-1] == 1000 and len(completed) == 10
    assert all(line["total"] == 1000 for line in lines if "digest" in line)
    assert [line["status"] for line in lines[-3:]] == ["verifying sha256 digest", "writing manifest", "success"]
    assert [m["name"] for m in httpx.get(f"{base}/api/tags").json()["models"]] == ["nouveau:1b"]


def test_pull_of_an_unknown_model_or_offline_fails_in_the_stream(scripted_server):
    scripted_server.add(ModelScript("hors-ligne", installed=False, pull_error="dial tcp: no such host"))
    base = scripted_server.base_url
    unknown = ndjson(httpx.post(f"{base}/api/pull", json={"model": "inconnu"}))
    assert unknown == [{"status": "pulling manifest"}, {"error": "pull model manifest: file does not exist"}]
    offline = ndjson(httpx.post(f"{base}/api/pull", json={"model": "hors-ligne"}))
    assert offline[-1] == {"error": "dial tcp: no such host"}


def test_think_field_false_and_refused_and_inline(scripted_server):
    scripted_server.add(
        ModelScript("r", thinking=2, tokens=2),
        ModelScript("plain", tokens=2),
        ModelScript("old", thinking=2, tokens=2, think_style="inline"),
    )
    base = scripted_server.base_url

    def chat(model: str, **more) -> httpx.Response:
        body = {"model": model, "messages": [{"role": "user", "content": "?"}], **more}
        return httpx.post(f"{base}/api/chat", json=body)

    thought = ndjson(chat("r", think=True))
    assert "".join(c["message"].get("thinking", "") for c in thought)
    silent = ndjson(chat("r", think=False))
    assert not any(c["message"].get("thinking") for c in silent)
    refused = chat("plain", think=True)
    assert refused.status_code == 400 and refused.json()["error"] == '"plain" does not support thinking'
    inline = "".join(c["message"]["content"] for c in ndjson(chat("old", think=True)))
    assert inline.startswith("<think>") and "</think>\n\n" in inline
