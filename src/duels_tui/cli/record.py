"""`duels record PROGRAMME -o PACK`: play every duel now and save the answers for offline replay."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from duels_tui.cli.common import config_errors_exit, fail, writable_or_exit


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def register(app: typer.Typer) -> None:
    @app.command("record")
    def record(
        programme: Annotated[str, typer.Argument(help="Programme à enregistrer (nom ou fichier TOML).")],
        output: Annotated[Path, typer.Option("--output", "-o", help="Fichier du pack à écrire (JSON).")],
        max_tokens: Annotated[
            int | None,
            typer.Option("--max-tokens", min=1, help="Limite de jetons par réponse, à la place de celle du programme."),
        ] = None,
    ) -> None:
        """Joue maintenant chaque duel du programme (modèles locaux ou en ligne, clés lues dans
        l'environnement) et enregistre les réponses, leur rythme et leurs jetons dans un pack,
        que « duels --pack PACK » rejoue sans réseau."""
        import asyncio
        import dataclasses

        from duels_tui.catalog import load_catalog
        from duels_tui.cli.common import discover_ollama
        from duels_tui.config.engine_settings import engine_settings
        from duels_tui.config.programme import load_programme
        from duels_tui.engine.loading import Loader, LoadingSource
        from duels_tui.engine.local_server import LocalEngine, LocalServerError
        from duels_tui.engine.routing import RoutedSource, close_clients, needs_litellm, preload
        from duels_tui.output_file import OutputFileError
        from duels_tui.packs.format import save_pack
        from duels_tui.packs.record import Recording, record_programme

        writable_or_exit(output)
        with config_errors_exit():
            settings = engine_settings()
            catalog = load_catalog()
            discover_ollama(catalog)
            chosen = load_programme(programme, catalog)
        if max_tokens is not None:
            chosen = dataclasses.replace(
                chosen, duels=tuple(dataclasses.replace(d, max_tokens=max_tokens) for d in chosen.duels)
            )
        keys = sorted(
            {c.local_model for d in chosen.duels for m in d.model_ids if (c := catalog.get(m)) and c.local_model}
        )
        with LocalEngine() as engine:
            if keys:
                try:
                    engine.start(keys, progress=_say)
                except LocalServerError as exc:
                    raise fail(f"moteur local indisponible : {exc}") from None
                catalog.bind_local_servers({key: engine.api_base(key) for key in keys})

            async def run() -> Recording:
                targets = [(c.route, c.api_base) for d in chosen.duels for m in d.model_ids if (c := catalog.get(m))]
                if needs_litellm(targets):
                    _say("Chargement de litellm…")
                await preload(targets)
                # Each model loads into memory first, on its own clock: not in the recorded pace.
                loader = Loader(timeout_s=settings.load_timeout_s, keep_alive=settings.keep_alive)
                try:
                    return await record_programme(chosen, catalog, LoadingSource(RoutedSource(), loader),
                                                  progress=_say, request_settings=settings.request_settings())
                finally:
                    await close_clients()

            recording = asyncio.run(run())
        from duels_tui.numbers import count, fixed

        try:
            save_pack(recording.document, output)
        except OutputFileError as exc:
            raise fail(f"{exc} ; libérez de la place et recommencez") from None
        answers = sum(len(t["answers"]) for d in recording.document["duels"] for t in d["turns"])
        _say(
            f"Pack enregistré : {output} ({count(len(recording.document['duels']), 'duel')}, "
            f"{count(answers, 'answer')}, {fixed(recording.seconds, 1)} s). Rejouez-le avec « duels --pack {output} »."
        )
        if recording.failures:
            for f in recording.failures:
                _say(f"  réponse en échec : {f.duel}, {f.side} ({f.model_id}) : {f.message}")
            _say("Le pack contient ces échecs tels quels : réenregistrez quand les modèles répondent.")
            raise typer.Exit(1)
