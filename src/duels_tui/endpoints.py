"""Where the model servers are: ollama's URL (OLLAMA_HOST, as the ollama CLI reads it)."""

from __future__ import annotations

import os
from ipaddress import ip_address
from urllib.parse import urlsplit

DEFAULT_OLLAMA = "http://127.0.0.1:11434"


def ollama_url() -> str:
    """OLLAMA_HOST accepts "host:port", "http://host:port" or "0.0.0.0" (listen-all: use loopback)."""
    raw = os.environ.get("OLLAMA_HOST", "").strip().rstrip("/")
    if not raw:
        return DEFAULT_OLLAMA
    if "://" not in raw:
        raw = "http://" + raw
    scheme, rest = raw.split("://", 1)
    host, _, port = rest.partition(":")
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    return f"{scheme}://{host}:{port or '11434'}"


def is_ollama_route(route: str) -> bool:
    return route.startswith(("ollama/", "ollama_chat/"))


def ollama_model_name(route: str) -> str:
    """ "ollama_chat/gemma3:4b" -> "gemma3:4b"."""
    return route.split("/", 1)[1]


def api_base_for(route: str, api_base: str | None) -> str | None:
    """The base URL a request goes to: the card's own, else ollama's for ollama routes."""
    if api_base:
        return api_base
    return ollama_url() if is_ollama_route(route) else None


def host_of(url: str | None) -> str:
    """ "http://[::1]:8080/v1" -> "::1"; "" when there is none (the host in lower case)."""
    if not url:
        return ""
    return (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()


def is_loopback(host: str) -> bool:
    """This machine itself: localhost, 127.0.0.0/8, ::1, or 0.0.0.0 (which reaches this machine)."""
    if host == "localhost":
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def configured_ollama_host() -> str | None:
    """The host OLLAMA_HOST names, when the user set it."""
    return host_of(ollama_url()) if os.environ.get("OLLAMA_HOST", "").strip() else None
