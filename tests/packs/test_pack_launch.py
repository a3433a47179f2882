"""`duels --pack`: a session on the pack's duels with its answers as the source, resumed by the
same pack, never resumed by a plain `duels` (which would ask live models)."""

from __future__ import annotations

import pytest


class FakeApp:
    """Stands for DuelsApp: keeps what `launch` gave it instead of opening a terminal UI."""

    launched: list[FakeApp] = []
    config_error = None  # what the check after Home's first frame found broken (DuelsApp.config_error)

    def __init__(self, workshop, *, lang="fr", resumed=False, source_factory=None, **_options) -> None:
        self.workshop, self.resumed, self.source_factory = workshop, resumed, source_factory

    def run(self) -> None:
        FakeApp.launched.append(self)


@pytest.fixture
def fake_app(monkeypatch):
    import duels_tui.ui.app

    FakeApp.launched = []
    monkeypatch.setattr(duels_tui.ui.app, "DuelsApp", FakeApp)
    return FakeApp.launched


def test_pack_session_starts_then_resumes(recorded_pack, fake_app, capsys):
    from duels_tui.cli.workshop import launch
    from duels_tui.engine.pack_source import PackSource

    launch(programme=None, new=False, lang="fr", pack=recorded_pack, speed=3)
    first = fake_app[-1]
    assert not first.resumed and first.workshop.programme.key.startswith("pack:demo.pack@")
    source = first.source_factory()(first.workshop.card("deepseek-r1"))
    assert isinstance(source, PackSource) and source.speed == 3
    assert set(first.workshop.recorded_on) == {m for d in first.workshop.duels for m in d.spec.model_ids}

    launch(programme=None, new=False, lang="fr", pack=recorded_pack)
    again = fake_app[-1]
    assert again.resumed and again.workshop.session_id == first.workshop.session_id
    assert again.workshop.recorded_on == first.workshop.recorded_on

    launch(programme="classique", new=False, lang="fr")
    plain = fake_app[-1]
    assert plain.source_factory is None and plain.workshop.session_id != first.workshop.session_id
    assert not plain.resumed


def test_plain_duels_does_not_resume_a_pack_session(recorded_pack, fake_app, capsys):
    from duels_tui.cli.workshop import launch, session_to_open
    from duels_tui.store import Store

    launch(programme=None, new=False, lang="fr", pack=recorded_pack)
    with Store.open() as store:
        assert session_to_open(store, programme=None, new=False, session=None) is None
    assert "rejouait un pack" in capsys.readouterr().err
