"""Where the display's lost frames go: each display tick, with the GUI thread's CPU and CPU wait.

Also the garbage collector's full collections (with their times), a suspect for long stops: a
full collection walks every tracked object of the process while holding the GIL.

The live window's frame rate is the rate of its display timer's ticks; a tick is lost when the GUI
thread cannot return to Qt's event loop before the next one is due. For each tick this records
the time, the GUI thread's own CPU time (`time.thread_time`) and the time it spent runnable but
waiting for a CPU (Linux schedstat). A late tick's gap then splits into three parts: the GUI
thread computing (and in which panel's work, from `GuiActivity`), waiting for a CPU (another
process or thread had it), and neither: blocked, on the GIL held by another thread of the
process, on the X server, or on a lock.
"""

from __future__ import annotations

import collections
import gc
import itertools
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:  # no Qt here: bench_live imports this before it starts Qt
    from live_probe import GuiActivity

LATE_FACTOR = 1.5


def _own_run_delay_s() -> float:
    """Seconds this thread has waited, runnable, for a CPU since it started."""
    with open("/proc/thread-self/schedstat") as schedstat:
        return int(schedstat.read().split()[1]) / 1e9


class Tick(NamedTuple):
    """Kept as a plain tuple of numbers, which the garbage collector stops tracking (see
    `live_probe.Activity`)."""

    at_s: float
    cpu_s: float
    run_delay_s: float


class TickRecorder:
    """Connected to the display timer, after the window's own slot: one `Tick` per tick."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._kept: list[tuple[float, float, float]] = []

    def record(self) -> None:
        self._kept.append((time.monotonic(), time.thread_time(), _own_run_delay_s()))

    def ticks(self) -> list[Tick]:
        return [Tick._make(kept) for kept in self._kept]


class FullCollections:
    """Every full (oldest-generation) collection of the garbage collector: (start, end) times."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self._started_s = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started_s = time.monotonic()
        else:
            self.spans.append((self._started_s, time.monotonic()))

    def stop(self) -> None:
        gc.callbacks.remove(self._callback)


@dataclass(frozen=True)
class LateTick:
    """The gap before a late tick, split into what the GUI thread did meanwhile."""

    start_s: float
    gap_s: float
    cpu_s: float
    cpu_wait_s: float
    doing: collections.Counter[str]

    @property
    def blocked_s(self) -> float:
        return max(0.0, self.gap_s - self.cpu_s - self.cpu_wait_s)


def late_ticks(ticks: list[Tick], interval_s: float, activity: GuiActivity) -> list[LateTick]:
    late = []
    for before, after in itertools.pairwise(ticks):
        gap_s = after.at_s - before.at_s
        if gap_s > LATE_FACTOR * interval_s:
            late.append(
                LateTick(
                    before.at_s,
                    gap_s,
                    after.cpu_s - before.cpu_s,
                    after.run_delay_s - before.run_delay_s,
                    activity.busy_during(before.at_s, after.at_s),
                )
            )
    return late


def print_lost_frames(
    recorder: TickRecorder,
    activity: GuiActivity,
    predictions: list[tuple[float, float]],
    collections_: FullCollections,
    start_s: float,
    end_s: float,
) -> None:
    """How many ticks came late, what their gaps were made of, and the worst seconds.

    `predictions` are the classifier's (start, end) times: a blocked gap during a prediction
    points at the GIL of the classifier thread."""
    interval_s = recorder.interval_s
    ticks = [t for t in recorder.ticks() if start_s <= t.at_s <= end_s]
    late = late_ticks(ticks, interval_s, activity)
    elapsed = max(end_s - start_s, 1e-9)
    if not late:
        print(f"display ticks: {len(ticks)}, none late (> {LATE_FACTOR * interval_s * 1e3:.0f} ms)")
        return
    lost_s = sum(t.gap_s - interval_s for t in late)
    gaps_ms = np.array([t.gap_s for t in late]) * 1e3
    computing = sum(t.cpu_s for t in late)
    waiting = sum(t.cpu_wait_s for t in late)
    blocked = sum(t.blocked_s for t in late)
    total = max(computing + waiting + blocked, 1e-9)
    doing: collections.Counter[str] = collections.Counter()
    for tick in late:
        doing.update(tick.doing)
    top = ", ".join(f"{label} {s * 1e3:.0f} ms" for label, s in doing.most_common(6))
    predicting = sum(_overlap_s(t.start_s, t.start_s + t.gap_s, predictions) for t in late)
    spans = [(a, b) for a, b in collections_.spans if start_s <= a <= end_s]
    collecting = sum(_overlap_s(t.start_s, t.start_s + t.gap_s, spans) for t in late)
    longest_ms = max((b - a for a, b in spans), default=0.0) * 1e3
    print(
        f"display ticks: {len(ticks)} ({len(ticks) / elapsed:.1f}/s); late (gap > "
        f"{LATE_FACTOR * interval_s * 1e3:.0f} ms): {len(late)} ({len(late) / elapsed:.1f}/s), "
        f"gaps p50 {np.median(gaps_ms):.0f} / p99 {np.percentile(gaps_ms, 99):.0f} / max "
        f"{gaps_ms.max():.0f} ms, {lost_s:.1f} s lost in all"
    )
    print(
        f"  the late gaps were: GUI thread computing {computing / total:.0%}, waiting for a CPU "
        f"{waiting / total:.0%}, blocked (GIL, X server or a lock) {blocked / total:.0%}; "
        f"the classifier was predicting during {predicting / total:.0%} of them; the GUI "
        f"thread's labelled work in them: {top}"
    )
    print(
        f"  full garbage collections in the window's process: {len(spans)}, the longest "
        f"{longest_ms:.0f} ms; {collecting / total:.0%} of the late gaps' time"
    )
    _print_worst_seconds(ticks, late, spans, start_s)


def _print_worst_seconds(
    ticks: list[Tick], late: list[LateTick], spans: list[tuple[float, float]], start_s: float
) -> None:
    per_second = collections.Counter(int(t.at_s - start_s) for t in ticks)
    for second, count in sorted(per_second.items(), key=lambda item: item[1])[:3]:
        inside = [t for t in late if int(t.start_s - start_s) == second]
        worst = max(inside, key=lambda t: t.gap_s, default=None)
        if worst is None:
            continue
        work = ", ".join(f"{label} {s * 1e3:.0f}" for label, s in worst.doing.most_common(3))
        collecting_ms = _overlap_s(worst.start_s, worst.start_s + worst.gap_s, spans) * 1e3
        print(
            f"  second {second}: {count} ticks; its longest gap {worst.gap_s * 1e3:.0f} ms = "
            f"computing {worst.cpu_s * 1e3:.0f} (of which a full garbage collection "
            f"{collecting_ms:.0f}), waiting for a CPU {worst.cpu_wait_s * 1e3:.0f}, "
            f"blocked {worst.blocked_s * 1e3:.0f} ms (work: {work or 'none labelled'})"
        )


def _overlap_s(start_s: float, end_s: float, spans: list[tuple[float, float]]) -> float:
    return sum(max(0.0, min(b, end_s) - max(a, start_s)) for a, b in spans if b >= start_s)
