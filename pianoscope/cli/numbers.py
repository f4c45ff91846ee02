"""argparse types for every numeric option, so a bad value is one usage line, never a traceback.

Each option states its range once, where it is declared, and argparse refuses anything outside
it before a command starts: no thread dies on `--block 0`, no 37 GiB allocation on `--fft 1e10`,
no `nan` slips through as a speed. The messages name the quantity and its range, written for
someone who has never seen the code. The types are small frozen dataclasses so that tests can
read each option's range back from the parser.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class WholeNumber:
    """An argparse type: a whole number from `minimum` to `maximum` (a power of two if asked).

    `what` names the quantity in the message ("FFT size", "number of workers").
    """

    what: str
    minimum: int
    maximum: int | None = None
    power_of_two: bool = False

    @property
    def wanted(self) -> str:
        if self.power_of_two:
            return f"a power of two from {self.minimum} to {self.maximum}"
        if self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        return f"a whole number of {self.minimum} or more"

    def __call__(self, text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not self.accepts(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a {self.what}: give {self.wanted}")
        return value

    def accepts(self, value: int) -> bool:
        in_range = value >= self.minimum and (self.maximum is None or value <= self.maximum)
        return in_range and not (self.power_of_two and value & (value - 1))


@dataclass(frozen=True)
class RealNumber:
    """An argparse type: a number from `minimum` (excluded if `above_minimum`) to `maximum`.

    NaN is always refused; infinity only passes when `infinity` is set (`--speed inf`).
    """

    what: str
    minimum: float
    maximum: float = math.inf
    above_minimum: bool = False
    infinity: bool = False

    @property
    def wanted(self) -> str:
        low = f"above {self.minimum:g}" if self.above_minimum else f"from {self.minimum:g}"
        high = f" up to {self.maximum:g}" if math.isfinite(self.maximum) else ""
        return f"a number {low}{high}" + (" (or inf)" if self.infinity else "")

    def __call__(self, text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not self.accepts(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not a {self.what}: give {self.wanted}")
        return value

    def accepts(self, value: float) -> bool:
        if math.isnan(value) or (math.isinf(value) and not self.infinity):
            return False
        if value < self.minimum or (self.above_minimum and value == self.minimum):
            return False
        return math.isinf(value) or value <= self.maximum


positive_seconds = RealNumber("number of seconds", minimum=0.0, above_minimum=True)
"""Durations: finite and above zero."""

# `compare`: the meter the teacher gives and the section length without a steady beat. The
# limits keep a comparison to what music has; a section of 1e-9 s would have asked for ten
# thousand million sections of a 10 s take.
BEATS_PER_BAR = WholeNumber("number of beats per bar", minimum=1, maximum=32)
BARS_PER_SECTION = WholeNumber("number of bars per section", minimum=1, maximum=256)
UPBEAT_BEATS = WholeNumber("number of upbeat beats", minimum=0, maximum=31)
SECTION_SECONDS = RealNumber("section length in seconds", minimum=0.5, maximum=3600.0)
