"""What the live benchmark watches: the GUI thread's work, CPU per thread, and the machine's load.

`GuiActivity` times every event Qt delivers on the GUI thread (through `QApplication.notify`)
and every panel update inside a display refresh, so that a slow spectrum can be laid beside
what the GUI thread was doing while the analysis thread waited. The CPU figures come from
/proc: per thread of this process, for the helper processes, and for everything else on the
machine, so that every figure says under which load it was measured.
"""

from __future__ import annotations

import bisect
import collections
import functools
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from pianoscope.gui.qt import QtCore, QtWidgets

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_SHORTEST_KEPT_S = 0.0002
_LONGEST_S = 2.0  # no GUI event is assumed to take longer (those that overlap a frame are found)


class Activity(NamedTuple):
    """One stretch of GUI-thread work; `children` are the stretches nested inside it.

    The probe keeps them as plain tuples (`tuple(activity)`) of numbers and a string, which the
    garbage collector stops tracking (exact tuples only, not this subclass): the hundreds of
    thousands it keeps then do not lengthen the process's full collections (as dataclasses they
    did, to 165 ms each, stalls the benchmark then counted as the window's).
    """

    label: str
    start_s: float
    end_s: float
    children: tuple[tuple[float, float], ...]

    def own_overlap_s(self, start_s: float, end_s: float) -> float:
        """Seconds of [start_s, end_s] spent in this activity itself, not in a nested one."""
        own = _overlap(self.start_s, self.end_s, start_s, end_s)
        return own - sum(_overlap(a, b, start_s, end_s) for a, b in self.children)


@dataclass
class _OpenActivity:
    label: str
    start_s: float
    children: list[tuple[float, float]] = field(default_factory=list)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


class GuiActivity:
    """A record of the GUI thread's work, labelled by panel; at most `keep` stretches."""

    def __init__(self, keep: int = 400_000) -> None:
        self._kept: collections.deque[tuple] = collections.deque(maxlen=keep)
        self._open: list[_OpenActivity] = []
        self._panels: dict[int, str] = {}
        self.total_s: collections.Counter[str] = collections.Counter()
        self.counts: collections.Counter[str] = collections.Counter()
        self._done: list[Activity] = []
        self._ends_s: list[float] = []

    def start_counting(self) -> None:
        """Count time and events from now on (after the warm-up); the record itself is kept."""
        self.total_s.clear()
        self.counts.clear()

    def name_panels(self, panels: dict[str, QtWidgets.QWidget]) -> None:
        """Events for these widgets (or their children) are labelled with the panel's name."""
        self._panels = {id(widget): name for name, widget in panels.items()}

    def panel_of(self, receiver: QtCore.QObject) -> str:
        for _ in range(12):
            if receiver is None:
                break
            name = self._panels.get(id(receiver))
            if name is not None:
                return name
            receiver = receiver.parent()
        return "window"

    def begin(self, label: str) -> None:
        self._open.append(_OpenActivity(label, time.monotonic()))

    def end(self) -> None:
        opened = self._open.pop()
        activity = Activity(opened.label, opened.start_s, time.monotonic(), tuple(opened.children))
        if self._open:
            self._open[-1].children.append((activity.start_s, activity.end_s))
        duration_s = activity.end_s - activity.start_s - sum(b - a for a, b in activity.children)
        self.total_s[activity.label] += duration_s
        self.counts[activity.label] += 1
        if activity.end_s - activity.start_s >= _SHORTEST_KEPT_S:
            self._kept.append(tuple(activity))

    def wrap(self, owner: object, method: str, label: str) -> None:
        """Time every call of `owner.method` as `label` (an instance attribute shadows it)."""
        original: Callable = getattr(owner, method)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            self.begin(label)
            try:
                return original(*args, **kwargs)
            finally:
                self.end()

        setattr(owner, method, timed)

    def done(self) -> list[Activity]:
        """The stretches kept, in the order they ended."""
        return [Activity._make(kept) for kept in self._kept]

    def busy_during(self, start_s: float, end_s: float) -> collections.Counter[str]:
        """Seconds of each label's own work within [start_s, end_s]."""
        if not self._kept:
            return collections.Counter()
        if len(self._done) != len(self._kept) or self._done[-1] != self._kept[-1]:
            self._done = self.done()  # kept in the order they ended
            self._ends_s = [activity.end_s for activity in self._done]
        seconds: collections.Counter[str] = collections.Counter()
        first = bisect.bisect_left(self._ends_s, start_s)
        last = bisect.bisect_right(self._ends_s, end_s + _LONGEST_S)
        for index in range(first, last):
            activity = self._done[index]
            overlap = activity.own_overlap_s(start_s, end_s)
            if overlap > 0:
                seconds[activity.label] += overlap
        return seconds


def probed_application(activity: GuiActivity) -> QtWidgets.QApplication:
    """A QApplication that times each event it delivers, labelled by event type and panel."""

    class ProbedApplication(QtWidgets.QApplication):
        def notify(self, receiver: QtCore.QObject, event: QtCore.QEvent) -> bool:
            kind = event.type()
            if kind == QtCore.QEvent.Type.Paint:
                label = f"paint {activity.panel_of(receiver)}"
            elif kind == QtCore.QEvent.Type.Timer:
                label = "timer"
            elif kind == QtCore.QEvent.Type.UpdateRequest:
                label = "window repaint"
            else:
                label = "other events"
            activity.begin(label)
            try:
                return super().notify(receiver, event)
            finally:
                activity.end()

    return ProbedApplication([])


# -- CPU from /proc -------------------------------------------------------------------------
def thread_cpu_s() -> dict[int, tuple[str, float, float]]:
    """Each thread of this process: tid -> (name, CPU seconds, seconds it waited for a CPU)."""
    names = {thread.native_id: thread.name for thread in threading.enumerate()}
    result = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/self/task/{tid}/comm") as comm:
                name = comm.read().strip()
            with open(f"/proc/self/task/{tid}/schedstat") as schedstat:
                run_delay_s = int(schedstat.read().split()[1]) / 1e9
        except OSError:
            continue
        name = names.get(int(tid), name)
        result[int(tid)] = (name, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, run_delay_s)
    return result


def _all_processes() -> tuple[dict[int, list[str]], dict[int, list[int]]]:
    """Every process's /proc/PID/stat fields (after the name) and every process's children."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry)] = fields
        children[int(fields[1])].append(int(entry))
    return stats, children


def _tree(root_pid: int, children: dict[int, list[int]], skip: set[int]) -> list[int]:
    found, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        if pid in skip:
            continue
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _cpu_s(fields: list[str]) -> float:
    """User + system time of a process and of the children it has reaped."""
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def _run_delay_s(pid: int) -> float:
    """Seconds the threads of a process waited for a CPU (Linux schedstat)."""
    total = 0.0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/schedstat") as schedstat:
                total += int(schedstat.read().split()[1]) / 1e9
    except OSError:
        pass
    return total


def process_tree_cpu_s(root_pid: int) -> float:
    """CPU seconds of a process, its children still running, and the children it has reaped."""
    stats, children = _all_processes()
    return sum(_cpu_s(stats[pid]) for pid in _tree(root_pid, children, set()) if pid in stats)


def app_processes(
    helper_pids: dict[str, int], analysis_pid: int | None
) -> dict[int, tuple[str, float, float]]:
    """The processes this one started for the app (the analysis process, its fork server and
    Python's resource tracker): pid -> (name, CPU seconds, seconds waited for a CPU)."""
    stats, children = _all_processes()
    result = {}
    for pid in _tree(os.getpid(), children, set(helper_pids.values())):
        if pid == os.getpid() or pid not in stats:
            continue
        name = "analysis process" if pid == analysis_pid else "other app processes"
        result[pid] = (name, _cpu_s(stats[pid]), _run_delay_s(pid))
    return result


def machine_busy_s() -> float:
    """CPU seconds all cores of the machine spent busy since boot (not idle, not waiting on IO)."""
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / CLOCK_TICKS


@dataclass(frozen=True)
class CpuReading:
    """CPU counters at one moment, to subtract from a later reading."""

    time_s: float
    process_s: float
    threads: dict[int, tuple[str, float, float]]
    app_children: dict[int, tuple[str, float, float]]
    helpers: dict[str, float]
    machine_s: float

    @classmethod
    def now(cls, helper_pids: dict[str, int], analysis_pid: int | None) -> CpuReading:
        return cls(
            time.monotonic(),
            time.process_time(),
            thread_cpu_s(),
            app_processes(helper_pids, analysis_pid),
            {name: process_tree_cpu_s(pid) for name, pid in helper_pids.items()},
            machine_busy_s(),
        )


class LoadWatcher:
    """Samples the load average once a second on a thread of its own (it sleeps in between)."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-load", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.samples.append(os.getloadavg()[0])
