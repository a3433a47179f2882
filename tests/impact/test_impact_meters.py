"""Energy meters: RAPL on a fake sysfs tree, NVML through a fake module, and clean absence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from duels_tui.impact import meters
from duels_tui.impact.meters import NvmlMeter, RaplMeter, UnavailableMeter, open_meter


def make_zone(root: Path, index: str, name: str, energy_uj: int, max_uj: int = 262_143_328_850):
    zone = root / f"intel-rapl:{index}"
    zone.mkdir(parents=True)
    (zone / "name").write_text(f"{name}\n")
    (zone / "energy_uj").write_text(f"{energy_uj}\n")
    (zone / "max_energy_range_uj").write_text(f"{max_uj}\n")
    return zone


def set_energy(zone: Path, energy_uj: int) -> None:
    (zone / "energy_uj").write_text(f"{energy_uj}\n")


def test_rapl_measures_the_difference(tmp_path: Path) -> None:
    package = make_zone(tmp_path, "0", "package-0", 1_000_000)
    make_zone(tmp_path, "0:0", "core", 500)  # a sub-zone, already inside the package
    meter = RaplMeter(tmp_path)
    assert meter.available and meter.why_unavailable is None
    meter.start()
    set_energy(package, 1_000_000 + 36_000_000)  # 36 J = 0.01 Wh
    measured = meter.stop()
    assert measured is not None
    assert measured.wh == pytest.approx(0.01)
    assert measured.source == "rapl"
    assert "package-0" in measured.detail and measured.seconds >= 0


def test_rapl_sums_packages(tmp_path: Path) -> None:
    p0 = make_zone(tmp_path, "0", "package-0", 0)
    p1 = make_zone(tmp_path, "1", "package-1", 0)
    meter = RaplMeter(tmp_path)
    meter.start()
    set_energy(p0, 3_600_000)
    set_energy(p1, 7_200_000)
    assert meter.stop().wh == pytest.approx(0.003)


def test_rapl_counter_wrap_around(tmp_path: Path) -> None:
    max_uj = 262_143_328_850
    package = make_zone(tmp_path, "0", "package-0", max_uj - 1_800_000, max_uj)
    meter = RaplMeter(tmp_path)
    meter.start()
    set_energy(package, 1_800_000)  # wrapped past the maximum: 3.6 J in all
    assert meter.stop().wh == pytest.approx(0.001)


def test_rapl_prefers_psys_which_includes_the_packages(tmp_path: Path) -> None:
    package = make_zone(tmp_path, "0", "package-0", 0)
    psys = make_zone(tmp_path, "1", "psys", 0)
    meter = RaplMeter(tmp_path)
    assert [z.name for z in meter.zones] == ["psys"]
    meter.start()
    set_energy(package, 3_600_000)
    set_energy(psys, 7_200_000)
    assert meter.stop().wh == pytest.approx(0.002)


def test_rapl_unreadable_without_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_zone(tmp_path, "0", "package-0", 0)
    original = Path.read_text

    def read_text(self: Path, *args: Any, **kwargs: Any) -> str:
        if self.name == "energy_uj":
            raise PermissionError(13, "Permission denied")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    meter = RaplMeter(tmp_path)
    assert not meter.available
    assert "root" in meter.why_unavailable
    meter.start()
    assert meter.stop() is None


def test_rapl_absent(tmp_path: Path) -> None:
    meter = RaplMeter(tmp_path / "nothing")
    assert not meter.available and "RAPL" in meter.why_unavailable
    empty = tmp_path / "powercap"
    empty.mkdir()
    assert "pas de compteur RAPL" in RaplMeter(empty).why_unavailable


def test_rapl_counter_vanishing_mid_measure(tmp_path: Path) -> None:
    package = make_zone(tmp_path, "0", "package-0", 0)
    meter = RaplMeter(tmp_path)
    meter.start()
    (package / "energy_uj").unlink()
    assert meter.stop() is None
    assert "lecture du compteur impossible" in meter.why_unavailable


def test_stop_without_start_returns_none(tmp_path: Path) -> None:
    make_zone(tmp_path, "0", "package-0", 0)
    assert RaplMeter(tmp_path).stop() is None


class FakeNvml:
    """The few pynvml calls the meter uses; energy in millijoules."""

    def __init__(self, gpus: int = 2, fail: Exception | None = None) -> None:
        self.energy = [1_000_000] * gpus
        self.fail = fail

    def nvmlInit(self) -> None:  # pynvml's camelCase names
        if self.fail:
            raise self.fail

    def nvmlDeviceGetCount(self) -> int:
        return len(self.energy)

    def nvmlDeviceGetHandleByIndex(self, i: int) -> int:
        return i

    def nvmlDeviceGetTotalEnergyConsumption(self, handle: int) -> int:
        return self.energy[handle]


def test_nvml_measures_all_gpus() -> None:
    fake = FakeNvml(gpus=2)
    meter = NvmlMeter(lambda: fake)
    assert meter.available
    meter.start()
    fake.energy = [1_000_000 + 18_000, 1_000_000 + 18_000]  # 36 J = 0.01 Wh
    measured = meter.stop()
    assert measured.wh == pytest.approx(0.01)
    assert measured.source == "nvml" and "2 GPU" in measured.detail


def test_nvml_missing_package() -> None:
    def loader() -> Any:
        raise ImportError("No module named 'pynvml'")

    meter = NvmlMeter(loader)
    assert not meter.available and "nvidia-ml-py" in meter.why_unavailable


def test_nvml_without_driver() -> None:
    meter = NvmlMeter(lambda: FakeNvml(fail=RuntimeError("NVML Shared Library Not Found")))
    assert not meter.available
    assert "Shared Library Not Found" in meter.why_unavailable


def test_nvml_without_gpu() -> None:
    meter = NvmlMeter(lambda: FakeNvml(gpus=0))
    assert not meter.available and "aucun GPU" in meter.why_unavailable


def test_open_meter_prefers_nvml_then_rapl(tmp_path: Path) -> None:
    make_zone(tmp_path, "0", "package-0", 0)
    assert open_meter(powercap_root=tmp_path, nvml_loader=lambda: FakeNvml()).name == "nvml"
    no_nvml = lambda: FakeNvml(gpus=0)  # noqa: E731
    assert open_meter(powercap_root=tmp_path, nvml_loader=no_nvml).name == "rapl"


def test_open_meter_explains_when_nothing_is_readable(tmp_path: Path) -> None:
    def loader() -> Any:
        raise ImportError

    meter = open_meter(powercap_root=tmp_path / "absent", nvml_loader=loader)
    assert isinstance(meter, UnavailableMeter) and not meter.available
    assert "aucun compteur d'énergie lisible" in meter.why_unavailable
    assert "nvidia-ml-py" in meter.why_unavailable and "RAPL" in meter.why_unavailable
    meter.start()
    assert meter.stop() is None


def test_this_machine_degrades_cleanly() -> None:
    """Whatever this machine has, opening a meter never raises and says why when it cannot."""
    meter = open_meter()
    meter.start()
    measured = meter.stop()
    if meter.available:
        assert measured is not None and measured.wh >= 0
    else:
        assert measured is None and meter.why_unavailable


def test_pynvml_is_imported_lazily() -> None:
    assert "pynvml" not in meters.__dict__
