"""How long one hop took from its audio's arrival to its published spectrum."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FrameTiming:
    """One hop's way through the analysis, in `time.monotonic()` seconds (one clock for every
    process of the machine).

    The newest audio block arrived at `arrived_s`, the analysis took the hop up at `started_s`
    (after waking, and in one process with the window after getting the GIL) and published its
    frame at `published_s`, using `cpu_s` of its own CPU time. The benchmark reads where a slow
    frame's time went from these.
    """

    arrived_s: float
    started_s: float
    published_s: float
    cpu_s: float

    @property
    def latency_s(self) -> float:
        return self.published_s - self.arrived_s
