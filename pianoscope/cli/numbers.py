"""argparse types for every numeric option, so a bad value is one usage line, never a traceback.

Each option states its range once, here or where it is declared, and argparse refuses anything
outside it before a command starts: no thread dies on `--block 0`, no 37 GiB allocation on
`--fft 1e10`, no `nan` slips through as a speed. The messages name the option's meaning and its
range, written for someone who has never seen the code.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def whole_number(
    what: str, *, minimum: int, maximum: int | None = None, power_of_two: bool = False
) -> Callable[[str], int]:
    """An argparse type: a whole number from `minimum` to `maximum` (a power of two if asked).

    `what` names the quantity in the message ("FFT size", "number of workers").
    """
    wanted = (
        f"a power of two from {minimum} to {maximum}"
        if power_of_two
        else f"a whole number from {minimum} to {maximum}"
        if maximum is not None
        else f"a whole number of {minimum} or more"
    )

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {what}: give {wanted}") from None
        in_range = value >= minimum and (maximum is None or value <= maximum)
        if not in_range or (power_of_two and value & (value - 1)):
            raise argparse.ArgumentTypeError(f"{text!r} is not a {what}: give {wanted}")
        return value

    parse.__name__ = what  # argparse names the type in some of its own messages
    return parse


def real_number(
    what: str,
    *,
    minimum: float,
    maximum: float = math.inf,
    above_minimum: bool = False,
    infinity: bool = False,
) -> Callable[[str], float]:
    """An argparse type: a number from `minimum` (excluded if `above_minimum`) to `maximum`.

    NaN is always refused; infinity only passes when `infinity` is set (`--speed inf`).
    """
    low = f"above {minimum:g}" if above_minimum else f"from {minimum:g}"
    wanted = f"a number {low}" + (f" up to {maximum:g}" if math.isfinite(maximum) else "")
    if infinity:
        wanted += " (or inf)"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {what}: give {wanted}") from None
        too_low = value <= minimum if above_minimum else value < minimum
        if math.isnan(value) or too_low or (math.isinf(value) and not infinity):
            raise argparse.ArgumentTypeError(f"{text!r} is not a {what}: give {wanted}")
        if math.isfinite(value) and value > maximum:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {what}: give {wanted}")
        return value

    parse.__name__ = what
    return parse


positive_seconds = real_number("number of seconds", minimum=0.0, above_minimum=True)
"""Durations: finite and above zero."""
