"""Launching the workshop: resume or start a session, start the embedded engine if the session
needs it, then the TUI (Textual is imported here, not before).

What runs before the first frame is kept to what the session needs (target: 0.5 s to the first
frame): ollama is asked for its models only when the programme names one the catalog lacks, and
the embedded engine (httpx, llama.cpp) is imported only when a model of the session runs on it."""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Iterable
from pathlib import Path

from duels_tui.catalog import Catalog
from duels_tui.cli.common import discover_ollama


def default_programme(catalog: Catalog) -> str:
    """The programme that can run now (cli/defaults.py), said on the terminal when it is not
    the plain one."""
    from duels_tui.cli.defaults import choose

    choice = choose(catalog)
    if choice.note:
        _say(f"duels : {choice.note}")
    return choice.argument


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def local_model_keys(catalog: Catalog, model_ids: Iterable[str]) -> list[str]:
    """The embedded models (llama.cpp) among `model_ids`."""
    return sorted({c.local_model for m in model_ids if (c := catalog.get(m)) and c.local_model})


def start_local_models(catalog: Catalog, model_ids: set[str], engine):
    """Start llama.cpp servers for the embedded models among `model_ids`. A failure is told (in
    French) and returned (an EngineFailure, for Home and the duel screen); the workshop still
    opens, the models whose server did not start are refused on their panes, unsent."""
    from duels_tui.engine.local_models import EngineFailure
    from duels_tui.engine.local_server import LocalServerError, default_log_dir

    keys = local_model_keys(catalog, model_ids)
    if not keys:
        return None
    failure = None
    try:
        engine.start(keys, progress=_say)
    except LocalServerError as exc:
        _say(f"duels : moteur local indisponible : {exc}")
        failure = EngineFailure(str(exc), str(default_log_dir()))
    catalog.bind_local_servers(engine.answering())
    return failure


def start_local_models_in_background(catalog: Catalog, model_ids: set[str], engine, ready_timeout_s: float):
    """Start llama.cpp servers for the embedded models among `model_ids` without waiting for
    them: the workshop opens at once and a duel's panes say that its models load (LocalEngine.
    start_in_background). What is known at once (no engine, an unknown model) is told and
    returned as `start_local_models` does; a server that fails later, by engine/loading.py's
    `start_failure` (Home, the duel screen and the pane)."""
    from duels_tui.engine.local_models import EngineFailure
    from duels_tui.engine.local_server import LocalServerError, default_log_dir

    keys = local_model_keys(catalog, model_ids)
    if not keys:
        return None
    try:
        catalog.bind_local_servers(engine.start_in_background(keys, ready_timeout_s=ready_timeout_s))
    except LocalServerError as exc:
        _say(f"duels : moteur local indisponible : {exc}")
        return EngineFailure(str(exc), str(default_log_dir()))
    return None


def check_impact_config() -> None:
    """Read the impact's files (hardware, zones, equivalents) before the first reveal: a broken
    one is said (the caller's `config_errors_exit`), not by a crash at the reveal. They are
    cached, so the reveal does not read them again."""
    from duels_tui.impact.equivalents import load_equivalents
    from duels_tui.impact.hardware import load_hardware

    load_hardware()
    load_equivalents()


def load_programme_discovering(name: str, catalog: Catalog):
    """The programme `name`; ollama's models join the catalog first only if the programme does
    not load without them (asking ollama costs 0.1 s to 1 s, and httpx's import, before the
    first frame)."""
    from duels_tui.config.errors import ConfigError
    from duels_tui.config.programme import load_programme

    try:
        return load_programme(name, catalog)
    except ConfigError:
        discover_ollama(catalog)
    return load_programme(name, catalog)  # still failing: the error names what is wrong


def local_engine(catalog: Catalog, model_ids: set[str]):
    """A started LocalEngine to run the session's embedded models in, or nothing to enter when
    none of them is embedded (the engine's module imports httpx: 0.1 s)."""
    if not local_model_keys(catalog, model_ids):
        return contextlib.nullcontext(None)
    from duels_tui.engine.local_server import LocalEngine

    return LocalEngine()


def freeze_imports() -> None:
    """Everything imported so far (Textual, the app, the domain) lives as long as the process: out
    of the garbage collector's sight from now on. Otherwise each full collection walks it all
    again, and one came about once a duel, stopping the screen for 60 to 90 ms (measured). The
    collector, paused for the start (cli's main), runs again from here."""
    import gc

    gc.freeze()
    gc.enable()


def close_saying_unsaved(store) -> None:
    """Close the store (which tries the waiting changes once more); what still could not be
    written is said in the terminal, the votes in full, for the facilitator to note."""
    from duels_tui.store.faults import fault_text

    store.close()
    unsaved = store.unsaved
    if not unsaved:
        return
    said = [what for what in unsaved if what]
    _say(
        f"duels : {len(unsaved)} changements de la séance n'ont pas pu être enregistrés dans {store.path} "
        f"({fault_text(store.fault or 'io')}). Notez ceux-ci avant de fermer ce terminal :"
    )
    for what in said:
        _say(f"  - {what}")
    if len(said) < len(unsaved):
        _say(f"  (et {len(unsaved) - len(said)} autres : l'étape où en était la séance, des morceaux de réponses)")


def resume_renderable(store, catalog: Catalog, session_id: int | None):
    """Session `session_id` resumed, or None for a new one: none to resume, or one that cannot
    be shown (arena/resume_check.py), which would otherwise crash every start."""
    if session_id is None:
        return None
    from duels_tui.arena.resume_check import why_unrenderable
    from duels_tui.arena.workshop import Workshop
    from duels_tui.store import StoreError

    try:
        workshop = Workshop.resume(store, catalog, session_id)
        why = why_unrenderable(workshop) if workshop is not None else None
    except StoreError:
        raise
    except Exception as exc:  # a row no code path can read: never a lock-out
        workshop, why = None, f"elle ne se relit pas ({exc})"
    if why is None:
        return workshop
    _say(
        f"duels : la session n°{session_id} ne peut pas être reprise : {why}. Une nouvelle session commence ; "
        f"l'ancienne reste dans la base (« duels export --session {session_id} »)."
    )
    return None


def _command(programme: str | None) -> str:
    """The command that opens this session again, as the facilitator would type it."""
    return "duels" + (f" -p {shlex.quote(programme)}" if programme else "")


def _where(workshop) -> str:
    """Where a session stands, for the terminal: « duel 2 sur 3 (Le code) », « accueil »..."""
    from duels_tui.arena.workshop import Step

    step = workshop.step
    if step is Step.HOME:
        return "à l'accueil"
    if step in (Step.FINAL, Step.DONE):
        return "à l'IA gagnante"
    return f"au duel {workshop.current + 1} sur {len(workshop.duels)} (« {workshop.duel.title} »)"


def session_to_open(store, *, programme: str | None, new: bool, session: int | None) -> int | None:
    """The stored session this launch opens, or None for a new one: `session` when given (it
    must exist); else, unless `new`, the last unfinished session of `programme` (the same file
    whatever form the argument takes: name, relative or absolute path), or the last unfinished
    session of any programme without `programme`."""
    if new and session is None:
        return None
    from duels_tui.cli.common import fail
    from duels_tui.config.programme import file_ref, programme_file
    from duels_tui.packs.replay import is_pack_programme  # and a pack's engine: not for --new

    if session is not None:
        row = store.session(session)
        if row is None:
            raise fail(f"--session {session} : aucune session de ce numéro (« duels sessions » les liste)")
        if is_pack_programme(row["programme_key"]):
            raise fail(f"la session n°{session} rejoue un pack : « duels --pack FICHIER » la reprend")
        return session
    if programme is None:
        found = store.last_unfinished_session()
    else:
        path = programme_file(programme)
        found = store.last_unfinished_session(programme_ref=file_ref(path), programme_key=path.stem)
    if found is not None and is_pack_programme(store.session(found)["programme_key"]):
        _say(f"duels : la session n°{found} rejouait un pack ; « duels --pack FICHIER » la reprend. Nouvelle session.")
        return None
    return found


def _choose_when_busy(busy, command: str) -> str:
    """The session is open in another `duels`: « view » (read only) or « new » (a new session),
    asked in the terminal; without one to ask in, the message says what to type, and duels ends."""
    from duels_tui.cli.common import fail

    who = f"processus {busy.holder.pid}" if busy.holder.pid else "un autre processus"
    _say(f"duels : la session n°{busy.session_id} est ouverte dans un autre duels ({who}) : la reprendre ici "
         "couperait ses réponses en cours.")
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise fail(f"« {command} --lecture » la montre sans rien y changer ; « {command} --new » commence une "
                   "nouvelle session")
    while True:
        _say("  l : la regarder en lecture seule · n : commencer une nouvelle session · q : quitter")
        try:
            answer = input("Votre choix (l, n ou q) : ").strip().lower()
        except EOFError:
            answer = "q"
        if answer in ("l", "n"):
            return "view" if answer == "l" else "new"
        if answer == "q":
            raise SystemExit(0)


def reserve(store, catalog: Catalog, session_id: int | None, command: str, lang: str):
    """Lock `session_id` for this process: (lock, session_id); when another `duels` has it
    open, (None, None) if the facilitator chose a new session, or None once the read-only view
    they chose instead has closed."""
    from duels_tui.store.lock import SessionBusy, SessionLock

    if session_id is None:
        return None, None
    try:
        return SessionLock.acquire(store.path, session_id), session_id
    except SessionBusy as busy:
        if _choose_when_busy(busy, command) == "new":
            return None, None
    view_session(store, catalog, session_id, lang)
    return None


def launch(
    *,
    programme: str | None,
    new: bool,
    lang: str,
    place: str = "",
    pack: Path | None = None,
    speed: float = 1.0,
    session: int | None = None,
    blind: bool = False,
    read_only: bool = False,
) -> None:
    from duels_tui.arena.workshop import Step, Workshop
    from duels_tui.catalog import load_catalog
    from duels_tui.cli.common import fail
    from duels_tui.config.engine_settings import engine_settings
    from duels_tui.store import Store
    from duels_tui.store.lock import SessionBusy, SessionLock

    if pack is not None:
        launch_pack(pack, new=new, lang=lang, place=place, speed=speed, blind=blind)
        return
    catalog = load_catalog()
    engine_settings()  # a broken engine.toml is said now, not at the first duel
    store = Store.open()
    command = _command(programme)
    lock = None
    try:
        session_id = session_to_open(store, programme=programme, new=new, session=session)
        if read_only:
            if session_id is None:
                raise fail("aucune session à regarder : « duels sessions » les liste, --session N en choisit une")
            view_session(store, catalog, session_id, lang)
            return
        reserved = reserve(store, catalog, session_id, command, lang)
        if reserved is None:
            return
        lock, session_id = reserved
        workshop = resume_renderable(store, catalog, session_id)
        resumed = workshop is not None
        if workshop is None:
            if lock is not None:  # the session found could not be resumed
                lock.release()
            chosen = load_programme_discovering(programme or default_programme(catalog), catalog)
            with store.faults_said():
                workshop = Workshop.start(chosen, catalog, store, place=place, blind=blind)
            lock = SessionLock.acquire(store.path, workshop.session_id)
            _say(f"duels : nouvelle session n°{workshop.session_id} (programme « {workshop.programme.name} »).")
        else:
            if blind:
                workshop.make_blind()
            _say(f"duels : reprise de la session n°{workshop.session_id} (programme « {workshop.programme.name} »), "
                 f"{_where(workshop)}. Pour en commencer une nouvelle : {command} --new")
        model_ids = {m for d in workshop.duels for m in d.sides.values()}
        if not model_ids <= catalog.models.keys():  # a resumed session played ollama's models
            discover_ollama(catalog)
        settings = engine_settings()
        workshop.request_settings = settings.request_settings()
        # The impact's files (and their modules) are read after Home's first frame, which shows
        # none of their figures: 20 ms of its 0.7 s here. A resumed session may open on its reveal.
        opens_on_home = workshop.step is Step.HOME
        if not opens_on_home:
            check_impact_config()
        with local_engine(catalog, model_ids) as engine:
            failure = None
            if engine is not None:
                failure = start_local_models_in_background(catalog, model_ids, engine, settings.load_timeout_s)
            from duels_tui.ui.app import DuelsApp

            freeze_imports()
            # litellm, for a cloud model, comes after the first frame: frozen too once loaded.
            app = DuelsApp(
                workshop, lang=lang, resumed=resumed, on_engine_ready=freeze_imports, engine_failure=failure,
                settings=settings, check_after_first_frame=check_impact_config if opens_on_home else None,
            )
            app.run()
            if app.config_error is not None:  # said as it was before the TUI opened (config_errors_exit)
                raise app.config_error
    except SessionBusy as busy:  # another duels took the new session in the same instant
        raise fail(str(busy)) from None
    finally:
        if lock is not None:
            lock.release()
        close_saying_unsaved(store)


def view_session(store, catalog: Catalog, session_id: int, lang: str) -> None:
    """The session as stored, followed live and changed in nothing (it may be open elsewhere)."""
    from duels_tui.ui.viewer import SessionViewer

    _say(f"duels : session n°{session_id} en lecture seule (rien n'y est modifié).")
    freeze_imports()
    SessionViewer(store, catalog, session_id, lang=lang).run()


def launch_pack(
    path: Path, *, new: bool, lang: str, place: str = "", speed: float = 1.0, blind: bool = False
) -> None:
    """The workshop on a recorded pack: no engine, no network; resumes the unfinished session of
    the same pack unless `new`."""
    from duels_tui.arena.workshop import Workshop
    from duels_tui.catalog import load_catalog
    from duels_tui.cli.common import fail
    from duels_tui.packs.format import PackError, load_pack
    from duels_tui.packs.replay import prepare_replay
    from duels_tui.store import Store
    from duels_tui.store.lock import SessionBusy, SessionLock

    try:
        check_impact_config()
        replay = prepare_replay(load_pack(path), load_catalog(), speed=speed)
    except PackError as exc:
        raise fail(str(exc)) from None
    store = Store.open()
    lock = None
    try:
        found = None if new else store.last_unfinished_session(programme_key=replay.programme.key)
        reserved = reserve(store, replay.catalog, found, f"duels --pack {shlex.quote(str(path))}", lang)
        if reserved is None:
            return
        lock, found = reserved
        workshop = resume_renderable(store, replay.catalog, found)
        resumed = workshop is not None
        if workshop is None:
            if lock is not None:  # the session found could not be resumed
                lock.release()
            with store.faults_said():
                workshop = Workshop.start(replay.programme, replay.catalog, store, place=place, blind=blind)
            lock = SessionLock.acquire(store.path, workshop.session_id)
        elif blind:
            workshop.make_blind()
        workshop.recorded_on = replay.recorded_on()
        from duels_tui.ui.app import DuelsApp

        freeze_imports()
        DuelsApp(workshop, lang=lang, resumed=resumed, source_factory=lambda: replay.source_for).run()
    except SessionBusy as busy:
        raise fail(str(busy)) from None
    finally:
        if lock is not None:
            lock.release()
        close_saying_unsaved(store)
