"""Energy really drawn during an answer, where the machine has counters to read.

Two sources, both cumulative counters read before and after the generation:
- NVIDIA GPUs through NVML (`nvidia-ml-py`, imported only when asked for): total energy in mJ
  since the driver loaded, Volta and later;
- Linux RAPL through /sys/class/powercap/intel-rapl:*/energy_uj (Intel, and AMD on recent
  kernels): package energy in µJ. Since 2020 (CVE-2020-8694) it is readable by root only on most
  distributions.

A counter measures the whole device during the window, other programs and the other pane's
model included: a figure to show beside the estimate, not in place of it. When nothing can be
read, `why_unavailable` says why, in French.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

POWERCAP_ROOT = Path("/sys/class/powercap")
_TOP_ZONE = re.compile(r"^intel-rapl:\d+$")


@dataclass(frozen=True)
class MeasuredEnergy:
    wh: float
    seconds: float
    source: str  # "nvml" or "rapl"
    detail: str  # what was measured, in French

    def to_json(self) -> dict[str, Any]:
        return {"wh": self.wh, "seconds": self.seconds, "source": self.source, "detail": self.detail}


class EnergyMeter(Protocol):
    name: str
    why_unavailable: str | None

    @property
    def available(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> MeasuredEnergy | None: ...


class UnavailableMeter:
    """No counter: start() and stop() do nothing, stop() returns None."""

    name = "aucun"

    def __init__(self, why: str) -> None:
        self.why_unavailable: str | None = why

    @property
    def available(self) -> bool:
        return False

    def start(self) -> None:
        return None

    def stop(self) -> MeasuredEnergy | None:
        return None


class _CounterMeter:
    """A meter over cumulative counters: read before, read after, energy in between."""

    name = ""

    def __init__(self) -> None:
        self.why_unavailable: str | None = None
        self._start: tuple[float, Any] | None = None

    @property
    def available(self) -> bool:
        return self.why_unavailable is None

    def _read(self) -> Any:
        raise NotImplementedError

    def _joules_between(self, before: Any, after: Any) -> float:
        raise NotImplementedError

    def _detail(self) -> str:
        return ""

    def start(self) -> None:
        if not self.available:
            return
        try:
            self._start = (time.monotonic(), self._read())
        except (OSError, ValueError) as exc:
            self.why_unavailable = f"lecture du compteur impossible ({exc})"
            self._start = None

    def stop(self) -> MeasuredEnergy | None:
        if self._start is None or not self.available:
            return None
        started_at, before = self._start
        self._start = None
        try:
            after = self._read()
        except (OSError, ValueError) as exc:
            self.why_unavailable = f"lecture du compteur impossible ({exc})"
            return None
        joules = self._joules_between(before, after)
        return MeasuredEnergy(joules / 3600, time.monotonic() - started_at, self.name, self._detail())


@dataclass(frozen=True)
class RaplZone:
    path: Path
    name: str
    max_range_uj: int


class RaplMeter(_CounterMeter):
    """Sum of the top-level RAPL packages; `psys` (whole platform) alone when present, since
    it already includes the packages."""

    name = "rapl"

    def __init__(self, root: Path = POWERCAP_ROOT) -> None:
        super().__init__()
        self.zones: list[RaplZone] = []
        self.why_unavailable = self._discover(root)

    def _discover(self, root: Path) -> str | None:
        if not root.is_dir():
            return f"pas de RAPL ({root} absent : autre système ou machine virtuelle)"
        zones = []
        for path in sorted(root.iterdir()):
            if not _TOP_ZONE.match(path.name) or not (path / "energy_uj").exists():
                continue
            name = _read_text(path / "name") or path.name
            max_range = _read_int(path / "max_energy_range_uj")
            zones.append(RaplZone(path, name, max_range or 0))
        if not zones:
            return "pas de compteur RAPL sous /sys/class/powercap"
        platform = [z for z in zones if z.name == "psys"]
        self.zones = platform or [z for z in zones if z.name.startswith("package")] or zones
        try:
            for zone in self.zones:
                int((zone.path / "energy_uj").read_text())
        except PermissionError:
            return (
                "compteurs RAPL présents mais illisibles sans droits root (restriction du "
                "noyau depuis 2020, CVE-2020-8694)"
            )
        except (OSError, ValueError) as exc:
            return f"compteurs RAPL illisibles ({exc})"
        return None

    def _read(self) -> dict[Path, int]:
        return {z.path: int((z.path / "energy_uj").read_text()) for z in self.zones}

    def _joules_between(self, before: dict[Path, int], after: dict[Path, int]) -> float:
        total_uj = 0
        for zone in self.zones:
            start, end = before[zone.path], after[zone.path]
            if end < start and zone.max_range_uj > 0:
                # The counter wrapped past max_energy_range_uj once (about an hour at 60 W for
                # a 32-bit counter); longer windows could wrap more and are not expected here.
                total_uj += zone.max_range_uj - start + end
            else:
                total_uj += end - start
        return total_uj / 1e6

    def _detail(self) -> str:
        names = ", ".join(z.name for z in self.zones)
        return f"RAPL ({names}) : toute la puce, autres programmes compris"


class NvmlMeter(_CounterMeter):
    """Total energy of every NVIDIA GPU, through NVML."""

    name = "nvml"

    def __init__(self, loader: Callable[[], Any] | None = None) -> None:
        super().__init__()
        self._nvml: Any = None
        self._handles: list[Any] = []
        self.why_unavailable = self._open(loader or _import_pynvml)

    def _open(self, loader: Callable[[], Any]) -> str | None:
        try:
            nvml = loader()
        except ImportError:
            return "NVML indisponible : le paquet nvidia-ml-py n'est pas installé"
        try:
            nvml.nvmlInit()
            count = nvml.nvmlDeviceGetCount()
            handles = [nvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
            for handle in handles:
                nvml.nvmlDeviceGetTotalEnergyConsumption(handle)
        except Exception as exc:  # NVMLError has many subclasses, all mean "no"
            return f"NVML indisponible : pas de GPU NVIDIA lisible ({_nvml_reason(exc)})"
        if not handles:
            return "NVML indisponible : aucun GPU NVIDIA"
        self._nvml, self._handles = nvml, handles
        return None

    def _read(self) -> int:
        try:
            return sum(self._nvml.nvmlDeviceGetTotalEnergyConsumption(h) for h in self._handles)
        except Exception as exc:  # see _open
            raise OSError(_nvml_reason(exc)) from None

    def _joules_between(self, before: int, after: int) -> float:
        return (after - before) / 1000  # millijoules; a 64-bit counter that does not wrap

    def _detail(self) -> str:
        return f"NVML : {len(self._handles)} GPU NVIDIA, autres programmes compris"


def open_meter(
    *,
    powercap_root: Path = POWERCAP_ROOT,
    nvml_loader: Callable[[], Any] | None = None,
) -> EnergyMeter:
    """The best readable meter (NVML, then RAPL), else one that explains why there is none."""
    nvml = NvmlMeter(nvml_loader)
    if nvml.available:
        return nvml
    rapl = RaplMeter(powercap_root)
    if rapl.available:
        return rapl
    return UnavailableMeter(
        f"aucun compteur d'énergie lisible sur cette machine : {nvml.why_unavailable} ; "
        f"{rapl.why_unavailable}. L'énergie affichée est une estimation."
    )


def _import_pynvml() -> Any:
    import pynvml  # from nvidia-ml-py; optional, heavy-ish, and absent on most laptops

    return pynvml


def _nvml_reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _read_int(path: Path) -> int | None:
    text = _read_text(path)
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
