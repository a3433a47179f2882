"""Persistence: the workshop's SQLite database (stdlib `sqlite3`, WAL) and its export.

`Store` writes every change as it happens; `store.export` writes compar:IA-like datasets.
Never imports Textual or litellm.
"""

from duels_tui.store.db import Store, StoreError

__all__ = ["Store", "StoreError"]
