"""Split a text into tokens the way a model reads it, offline.

tiktoken downloads its vocabularies on first use, which fails in a room without internet. The
litellm wheel carries three of them (cl100k_base, o200k_base, p50k_base) in a folder named the
way tiktoken's cache is: pointing `TIKTOKEN_CACHE_DIR` there makes tiktoken read them from disk.
litellm itself does exactly this when it is imported (and `CUSTOM_TIKTOKEN_CACHE_DIR` overrides
it there too); we find the folder without importing litellm, which costs two seconds.

The engine counts tokens with it when a server gives no count (engine/http_source.py), the
token lesson shows the split (explain/, ui/screens/lessons.py): it sits below both.

Each model has its own tokenizer: the split shown is GPT-4o's (o200k_base), an illustration of
how any model cuts text, not the exact count of the model that answered.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from duels_tui.lang import Texts

ENCODING = "o200k_base"
ENCODING_LABEL = "GPT-4o (o200k_base)"
# tiktoken names a cached vocabulary after the SHA-1 of the address it would download it from.
_BLOB_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"

_lock = threading.Lock()
_encodings: dict[str, Any] = {}


TEXTS = Texts(
    "tokens",
    {
        "missing": ("vocabulaire {name} introuvable sur cet ordinateur (il vient avec litellm)",
                    "vocabulary {name} not found on this computer (it comes with litellm)"),
    },
)


class TokenizerUnavailable(RuntimeError):
    """The vocabulary `name` is not on this machine; the message is French, `text(lang)` says
    it in either language."""

    def __init__(self, name: str) -> None:
        super().__init__(TEXTS("missing", name=name))
        self.name = name

    def text(self, lang: str) -> str:
        return TEXTS("missing", lang, name=self.name)


def bundled_cache_dir() -> Path | None:
    """litellm's folder of tiktoken vocabularies, found without importing litellm."""
    try:
        spec = importlib.util.find_spec("litellm")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "litellm_core_utils" / "tokenizers"
    return folder if folder.is_dir() else None


def cache_file(folder: Path, name: str = ENCODING) -> Path:
    return folder / hashlib.sha1(_BLOB_URL.format(name=name).encode()).hexdigest()


def _cache_dir(name: str) -> Path:
    custom = os.environ.get("CUSTOM_TIKTOKEN_CACHE_DIR")
    if custom and cache_file(Path(custom), name).is_file():
        return Path(custom)
    bundled = bundled_cache_dir()
    if bundled is not None and cache_file(bundled, name).is_file():
        return bundled
    raise TokenizerUnavailable(name)


def encoding(name: str = ENCODING) -> Any:
    """The tiktoken encoding, read from disk only: raises TokenizerUnavailable rather than try
    the network. Loading takes about 0.4 s the first time (call it off the UI thread)."""
    with _lock:
        if name in _encodings:
            return _encodings[name]
        folder = _cache_dir(name)
        # Same setting litellm makes at import: from now on tiktoken reads this folder.
        os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
        import tiktoken

        _encodings[name] = tiktoken.get_encoding(name)
        return _encodings[name]


def is_loaded(name: str = ENCODING) -> bool:
    """Whether `encoding(name)` would answer at once."""
    return name in _encodings


@dataclass(frozen=True)
class TokenSplit:
    """`pieces` joined give the text back; one piece per token (a character cut between two
    tokens, such as an emoji, shows with the first one and leaves the second empty)."""

    pieces: tuple[str, ...]
    encoding: str

    @property
    def count(self) -> int:
        return len(self.pieces)

    @property
    def characters(self) -> int:
        return sum(len(p) for p in self.pieces)


def split(text: str, name: str = ENCODING) -> TokenSplit:
    """`text` cut into tokens; special tokens (« <|endoftext|> ») are read as plain text."""
    enc = encoding(name)
    tokens = enc.encode(text, disallowed_special=())
    decoded, offsets = enc.decode_with_offsets(tokens)
    ends = [*offsets[1:], len(decoded)]
    pieces = tuple(decoded[start:max(start, end)] for start, end in zip(offsets, ends, strict=True))
    return TokenSplit(pieces, name)
