"""A quantity known exactly or only as a min-max range (estimates carry a range)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """min == max for an exact value. Arithmetic keeps min <= max for non-negative inputs."""

    min: float
    max: float

    def __post_init__(self) -> None:
        if self.min > self.max:
            raise ValueError(f"range min {self.min} > max {self.max}")

    @classmethod
    def exact(cls, value: float) -> Range:
        return cls(value, value)

    @classmethod
    def of(cls, value: float | tuple[float, float] | list[float] | Range) -> Range:
        if isinstance(value, Range):
            return value
        if isinstance(value, (tuple, list)):
            return cls(float(value[0]), float(value[1]))
        return cls.exact(float(value))

    @property
    def is_exact(self) -> bool:
        return self.min == self.max

    @property
    def mid(self) -> float:
        return (self.min + self.max) / 2

    def map(self, fn) -> Range:
        return Range(fn(self.min), fn(self.max))

    def __add__(self, other: Range | float) -> Range:
        o = Range.of(other)
        return Range(self.min + o.min, self.max + o.max)

    __radd__ = __add__

    def __mul__(self, k: Range | float) -> Range:
        o = Range.of(k)
        products = (self.min * o.min, self.min * o.max, self.max * o.min, self.max * o.max)
        return Range(min(products), max(products))

    __rmul__ = __mul__

    def to_json(self) -> dict[str, float]:
        return {"min": self.min, "max": self.max}
