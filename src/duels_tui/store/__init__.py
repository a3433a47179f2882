"""Persistence: the workshop's SQLite database (stdlib `sqlite3`, WAL).

`Store` writes every change as it happens; the export, which reads the arena's objects, is in
the outputs layer above (outputs/export.py).
Never imports Textual or litellm.
"""

from duels_tui.store.db import Store, StoreError

__all__ = ["Store", "StoreError"]
