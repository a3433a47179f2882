"""The database schema, as numbered migrations keyed on `PRAGMA user_version`.

Never edit a released migration: append a new one (ALTER TABLE, CREATE TABLE...), so a
workshop's database from an older `duels` upgrades in place when it opens.
Nothing stored names a file, a server address or a key: only model ids, the texts the room saw,
counts and timings.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, ...]] = [
    # 1: the first schema.
    (
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            uid TEXT NOT NULL UNIQUE,               -- random, for exports (session_hash)
            created_at TEXT NOT NULL,               -- ISO 8601 UTC
            updated_at TEXT NOT NULL,
            finished_at TEXT,
            place TEXT NOT NULL DEFAULT '',
            programme_key TEXT NOT NULL,
            programme_name TEXT NOT NULL,
            programme_description TEXT NOT NULL DEFAULT '',
            step TEXT NOT NULL,
            current INTEGER NOT NULL DEFAULT 0,
            methodology TEXT NOT NULL DEFAULT 'ecologits-2025',
            zone TEXT,
            final_weights TEXT,                     -- JSON [utility, frugality]
            final_vote TEXT,                        -- JSON {model_id: hands}
            app_version TEXT NOT NULL DEFAULT ''
        )
        """,
        """
        CREATE TABLE duels (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            title TEXT NOT NULL,
            model_a TEXT NOT NULL,
            model_b TEXT NOT NULL,
            card_a TEXT NOT NULL,                   -- JSON snapshot of the model card
            card_b TEXT NOT NULL,
            listed_models TEXT NOT NULL,            -- JSON [first, second] as in the programme
            prompt TEXT NOT NULL,                   -- as sent (edited or not)
            original_prompt TEXT NOT NULL,          -- as in the programme
            system_prompt TEXT,
            max_tokens INTEGER,
            temperature REAL,
            step TEXT NOT NULL,
            UNIQUE (session_id, idx)
        )
        """,
        """
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            duel_id INTEGER NOT NULL REFERENCES duels(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            user_text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (duel_id, idx)
        )
        """,
        """
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
            side TEXT NOT NULL CHECK (side IN ('A', 'B')),
            model_id TEXT NOT NULL,
            status TEXT NOT NULL,
            attempt INTEGER NOT NULL DEFAULT 1,
            text TEXT NOT NULL DEFAULT '',          -- consolidated when the answer ends
            reasoning TEXT NOT NULL DEFAULT '',
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            reasoning_tokens INTEGER,
            usage_source TEXT,                      -- 'server' | 'estimate'
            ttft_s REAL,
            generation_s REAL,
            total_s REAL,
            tokens_per_s REAL,
            finish_reason TEXT,
            error_kind TEXT,
            error_message TEXT,
            error_hint TEXT,
            error_retryable INTEGER,
            names_itself INTEGER NOT NULL DEFAULT 0,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            UNIQUE (turn_id, side)
        )
        """,
        # One row per streamed delta, committed as it arrives; folded into answers.text and
        # answers.reasoning when the answer ends (or is found interrupted on resume).
        """
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY,
            answer_id INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('text', 'reasoning')),
            text TEXT NOT NULL
        )
        """,
        "CREATE INDEX chunks_by_answer ON chunks (answer_id, id)",
        """
        CREATE TABLE votes (
            duel_id INTEGER PRIMARY KEY REFERENCES duels(id) ON DELETE CASCADE,
            votes_a INTEGER NOT NULL,
            votes_b INTEGER NOT NULL,
            votes_tie INTEGER NOT NULL,
            votes_none INTEGER NOT NULL,
            quick INTEGER NOT NULL DEFAULT 0,
            recorded_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE qualifiers (
            duel_id INTEGER NOT NULL REFERENCES duels(id) ON DELETE CASCADE,
            side TEXT NOT NULL CHECK (side IN ('A', 'B')),
            qualifier TEXT NOT NULL,
            PRIMARY KEY (duel_id, side, qualifier)
        )
        """,
        """
        CREATE TABLE comments (
            duel_id INTEGER NOT NULL REFERENCES duels(id) ON DELETE CASCADE,
            side TEXT NOT NULL CHECK (side IN ('A', 'B')),
            text TEXT NOT NULL,
            PRIMARY KEY (duel_id, side)
        )
        """,
    ),
    # 2: an error's key and values (JSON {name: number}), to say it in the interface's language;
    # error_message and error_hint stay the French text (what older versions stored and show).
    (
        "ALTER TABLE answers ADD COLUMN error_key TEXT",
        "ALTER TABLE answers ADD COLUMN error_values TEXT",
    ),
    # 3: sessions brought in by `duels import` (outputs/importer.py): the name of the file they
    # came from (its name only, never its folder) and when; NULL for this machine's sessions.
    (
        "ALTER TABLE sessions ADD COLUMN origin TEXT",
        "ALTER TABLE sessions ADD COLUMN imported_at TEXT",
    ),
    # 4: which programme a session plays, to resume it whatever form its argument took
    # (`programme_ref`: a digest of the programme file's resolved path, never the path itself);
    # blind sessions (no model named before its duel's reveal); the earlier counts of a
    # corrected vote, with when each was recorded and replaced.
    (
        "ALTER TABLE sessions ADD COLUMN programme_ref TEXT",
        "ALTER TABLE sessions ADD COLUMN blind INTEGER NOT NULL DEFAULT 0",
        """
        CREATE TABLE vote_history (
            id INTEGER PRIMARY KEY,
            duel_id INTEGER NOT NULL REFERENCES duels(id) ON DELETE CASCADE,
            votes_a INTEGER NOT NULL,
            votes_b INTEGER NOT NULL,
            votes_tie INTEGER NOT NULL,
            votes_none INTEGER NOT NULL,
            quick INTEGER NOT NULL DEFAULT 0,
            recorded_at TEXT NOT NULL,              -- when these counts were entered
            replaced_at TEXT NOT NULL               -- when a correction replaced them
        )
        """,
        "CREATE INDEX vote_history_by_duel ON vote_history (duel_id, id)",
    ),
    # 5: how long the model took to load into memory before this answer (seconds), kept apart
    # from its time to first token (engine/loading.py).
    ("ALTER TABLE answers ADD COLUMN load_s REAL",),
]

SCHEMA_VERSION = len(MIGRATIONS)
