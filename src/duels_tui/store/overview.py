"""Every session of the database in one line each (`duels sessions`): this machine's and the
imported ones, with what a pooled ranking counts (duels voted, hands)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from duels_tui.store.db import Store


@dataclass(frozen=True)
class SessionLine:
    id: int  # the number `duels --session N`, `duels report N` and `duels export --session N` take
    uid: str
    created_at: str
    finished_at: str | None
    place: str
    programme: str
    programme_name: str
    step: str
    duels: int  # in the programme
    played: int  # launched (at least one turn)
    voted: int
    hands: int  # raised, over the voted duels
    origin: str | None  # the file an imported session came from; None: this machine's
    imported_at: str | None

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def session_lines(store: Store) -> list[SessionLine]:
    """All sessions, oldest first."""
    rows = store._rows(
        "SELECT s.*,"
        " (SELECT COUNT(*) FROM duels d WHERE d.session_id = s.id) AS n_duels,"
        " (SELECT COUNT(*) FROM duels d WHERE d.session_id = s.id"
        "   AND EXISTS (SELECT 1 FROM turns t WHERE t.duel_id = d.id)) AS n_played,"
        " (SELECT COUNT(*) FROM votes v JOIN duels d ON v.duel_id = d.id WHERE d.session_id = s.id) AS n_voted,"
        " (SELECT COALESCE(SUM(v.votes_a + v.votes_b + v.votes_tie + v.votes_none), 0)"
        "   FROM votes v JOIN duels d ON v.duel_id = d.id WHERE d.session_id = s.id) AS n_hands"
        " FROM sessions s ORDER BY s.created_at, s.id"
    )
    return [
        SessionLine(
            r["id"], r["uid"], r["created_at"], r["finished_at"], r["place"], r["programme_key"], r["programme_name"],
            r["step"], r["n_duels"], r["n_played"], r["n_voted"], r["n_hands"], r["origin"], r["imported_at"],
        )
        for r in rows
    ]
