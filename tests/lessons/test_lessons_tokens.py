"""The token view works with no network and an empty tiktoken cache, without importing litellm,
and shows model text literally."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from duels_tui import tokens
from duels_tui.ui.widgets.tokens_view import tokens_text

OFFLINE_PROBE = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise OSError("réseau coupé pour ce test")
socket.socket.connect = refuse
socket.create_connection = refuse
from duels_tui import tokens
split = tokens.split("Les data centers consomment de l'énergie.")
print(json.dumps({"count": split.count, "text": "".join(split.pieces),
                  "litellm": "litellm" in sys.modules, "requests": "requests" in sys.modules}))
"""


def test_splits_offline_with_an_empty_cache_and_without_litellm(tmp_path):
    empty = tmp_path / "cache-vide"
    empty.mkdir()
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(empty), "HTTPS_PROXY": "http://127.0.0.1:9",
           "HTTP_PROXY": "http://127.0.0.1:9"}
    env.pop("CUSTOM_TIKTOKEN_CACHE_DIR", None)
    result = subprocess.run([sys.executable, "-c", OFFLINE_PROBE], capture_output=True, text=True, env=env,
                            timeout=60, check=True)
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out == {"count": out["count"], "text": "Les data centers consomment de l'énergie.",
                   "litellm": False, "requests": False}
    assert 5 <= out["count"] <= 15
    assert not any(empty.iterdir())  # nothing downloaded into the cache


def test_pieces_give_the_text_back_one_per_token():
    text = "Été 2025 : 🌱 l'IA <|endoftext|> répond.\n\tFin"
    split = tokens.split(text)
    assert "".join(split.pieces) == text
    assert split.count == len(tokens.encoding().encode(text, disallowed_special=()))


def test_model_text_shows_literally():
    hostile = "[bold red]pas du gras[/bold red] \x1b[31mrouge\x1b[0m\nligne"
    shown = tokens_text(tokens.split(hostile)).plain
    assert "[bold red]pas du gras[/bold red]" in shown
    assert "\x1b" not in shown and "␛[31mrouge" in shown
    assert "↵\nligne" in shown
