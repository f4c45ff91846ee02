"""Live performance as users run it: the window in `app.exec()`, in an X window, on a microphone.

Starts its own Xvfb screen (1440x900), its own PulseAudio server whose null sink is the virtual
microphone, and a `paplay` loop of the demo recording into it; opens the live window the way
`pianoscope` does (`gui.launch.open_live_window`: every panel, the classifier on) on that
microphone and runs Qt's own event loop for `--seconds`, optionally beside a process that keeps
one core busy (`--busy-core`). It ends the processes it started, by their ids, and nothing else.

Prints block-to-spectrum latency (p50, p99, p99.9) after a warm-up, where the slow frames' time
went and what the GUI thread was doing meanwhile (which panel's update or paint), the display
rate, CPU per thread and for the whole process, input overflows, and the conditions: load
average and the CPU that other processes on the machine used during the run.

Targets (issue 17): p99 <= 12 ms quiet and <= 20 ms beside a busy core, >= 50 fps, 0 overflows
over 5 minutes, whole-process CPU not above what it was.

Run: python bench/bench_live.py --seconds 300, then the same with --busy-core (the README's
figures). --analysis-thread analyses on a thread of the window's process, as before issue 17, to
compare; --no-probe leaves out the timing of the GUI thread's events (which costs a little);
--gil-canary records how late a sleeping thread gets the GIL back; --nice N runs it all at
niceness N. Needs Xvfb and PulseAudio (`bash scripts/dev.sh install`); no display or sound
server of the machine is used or touched.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import itertools
import os
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from live_processes import live_bench_helpers, missing_programs
from live_ticks import FullCollections, TickRecorder, print_lost_frames

from pianoscope.resources_path import demo_recording_path

if TYPE_CHECKING:  # Qt is imported in main(): the analysis process runs this module's top too
    from live_probe import CpuReading, GuiActivity

    from pianoscope.app.live.timing import FrameTiming

SLOW_MS = 12.0
BUCKETS_MS = (12.0, 16.0, 20.0, 30.0, 50.0, float("inf"))
IDLE_GUI_S = 0.001


@dataclass
class Collected:
    """What the benchmark gathers while the event loop runs."""

    timings: list[FrameTiming]
    fps: list[float]
    predictions: list[tuple[float, float]]
    gil_delays: list[tuple[float, str]]
    warm_s: float = 0.0
    end_s: float = 0.0
    start_cpu: CpuReading | None = None
    end_cpu: CpuReading | None = None
    overflows_at_warm: int = 0
    overflows_at_end: int = 0
    hops_skipped: int = 0
    classifier_problem: str | None = None
    platform: str = ""
    load_samples: list[float] = field(default_factory=list)
    ticks: TickRecorder | None = None
    full_collections: FullCollections | None = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=90.0, help="measured time after warm-up")
    parser.add_argument("--warm-up", type=float, default=10.0, help="seconds not measured")
    parser.add_argument("--busy-core", action="store_true", help="beside a process using a core")
    parser.add_argument("--size", default="1440x900", help="screen and window size")
    parser.add_argument(
        "--no-probe", action="store_true", help="do not time the GUI thread's events"
    )
    parser.add_argument(
        "--analysis-thread",
        action="store_true",
        help="analyse on a thread of the window's process, as before issue 17 (to compare)",
    )
    parser.add_argument(
        "--gil-canary",
        action="store_true",
        help="a thread that sleeps 1 ms at a time and records how late it gets the GIL back",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="run at this niceness, helpers included (below 0 needs root): on a machine shared "
        "with others' work, -10 approximates a quiet one",
    )
    args = parser.parse_args()
    if missing := missing_programs():
        raise SystemExit(f"needs {', '.join(missing)}: run `bash scripts/dev.sh install` first")
    # Ended by a signal, the helpers are still ended (as on Ctrl-C): finally blocks run.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if args.nice:
        os.nice(args.nice)
    width, height = (int(v) for v in args.size.split("x"))
    started = datetime.datetime.now().astimezone()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")  # no enrolment of the user's
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        with live_bench_helpers(
            demo_recording_path(), width=width, height=height, busy=args.busy_core
        ) as helpers:
            from live_probe import GuiActivity

            activity = GuiActivity()
            collected = run_window(args, helpers.pids, activity, Path(tmp), (width, height))
    report(args, started, load_before, collected, activity, helpers.pids)


def run_window(
    args: argparse.Namespace,
    helper_pids: dict[str, int],
    activity: GuiActivity,
    folder: Path,
    size: tuple[int, int],
) -> Collected:
    """Open the live window as `pianoscope` does and run Qt's event loop for the measured time."""
    # PortAudio lists the sound devices when it is loaded: only now is the microphone there.
    from live_probe import CpuReading, LoadWatcher, probed_application

    from pianoscope.app.live.session import InputChoice
    from pianoscope.gui.launch import open_live_window
    from pianoscope.gui.qt import QtCore
    from pianoscope.library.store import Library

    if not args.no_probe:
        probed_application(activity)
    library = Library.open(folder / "library")
    qsettings = QtCore.QSettings(str(folder / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    if args.analysis_thread:
        _analyse_on_a_thread()
    app, window = open_live_window(library, qsettings=qsettings)
    window.resize(*size)
    window.start_input(InputChoice(device="pulse"))
    engine = window.engine
    if engine is None:
        raise SystemExit(f"could not start the input: {window.banner.text()}")
    if not args.no_probe:
        _label_panels(window, activity)
    ticks = TickRecorder(window.timer.interval() / 1e3)
    collected = Collected([], [], [], [], platform=app.platformName(), ticks=ticks)
    collected.full_collections = FullCollections()
    window.timer.timeout.connect(collected.ticks.record)
    lock = threading.Lock()
    canary_stop = threading.Event()
    if args.gil_canary:
        threading.Thread(
            target=_gil_canary, args=(activity, collected, canary_stop), daemon=True
        ).start()
    loads = LoadWatcher()

    def collect_timings() -> None:
        newest = collected.timings[-1].published_s if collected.timings else 0.0
        collected.timings.extend(t for t in engine.recent_timings() if t.published_s > newest)

    def every_second() -> None:
        collect_timings()
        if collected.warm_s:
            collected.fps.append(window.display_fps)
        worker = engine.classifier
        loaded = worker.classifier if worker is not None else None
        if loaded is not None and not hasattr(loaded.predict, "__wrapped__"):
            _time_predictions(loaded, collected.predictions, lock)

    def warm() -> None:
        collect_timings()
        collected.warm_s = time.monotonic()
        collected.start_cpu = CpuReading.now(helper_pids, getattr(engine, "analysis_pid", None))
        collected.overflows_at_warm = engine.stats().overflow_count
        activity.start_counting()
        loads.start()
        QtCore.QTimer.singleShot(round(args.seconds * 1000), finish)

    def wait_for_sound() -> None:
        if engine.source.ring.written == 0:
            QtCore.QTimer.singleShot(100, wait_for_sound)
        else:
            QtCore.QTimer.singleShot(round(args.warm_up * 1000), warm)

    def finish() -> None:
        collected.end_cpu = CpuReading.now(helper_pids, getattr(engine, "analysis_pid", None))
        collected.end_s = time.monotonic()
        collect_timings()
        stats = engine.stats()
        collected.overflows_at_end = stats.overflow_count
        collected.hops_skipped = stats.hops_skipped
        collected.classifier_problem = engine.classifier.problem if engine.classifier else "off"
        canary_stop.set()
        loads.stop()
        collected.full_collections.stop()
        window.close()

    sampler = QtCore.QTimer()
    sampler.timeout.connect(every_second)
    sampler.start(1000)
    QtCore.QTimer.singleShot(100, wait_for_sound)
    app.exec()
    sampler.stop()
    window.take_filer.wait_idle(60)
    library.close()
    collected.load_samples = loads.samples
    return collected


def _analyse_on_a_thread() -> None:
    """Make the window create engines that analyse on a thread (the design before issue 17)."""
    from pianoscope.app.live.engine import LiveEngine
    from pianoscope.gui.live import main_window

    def threaded_engine(*args, **kwargs) -> LiveEngine:
        return LiveEngine(*args, **{**kwargs, "analysis_process": False})

    main_window.LiveEngine = threaded_engine


def _label_panels(window, activity: GuiActivity) -> None:
    """Name each panel's events and time each panel's update inside a refresh."""
    panels = {
        "spectrum": window.spectrum,
        "spectrogram": window.spectrogram,
        "scope": window.scope,
        "level": window.level_meter,
        "note": window.note_readout,
        "partials": window.partials_table,
        "classifier": window.classifier_panel,
        "status bar": window.statusBar(),
    }
    activity.name_panels(panels)
    for name in ("spectrum", "scope", "level", "note", "partials"):
        activity.wrap(panels[name], "show_frame", f"update {name}")
    activity.wrap(window.spectrogram, "show_spectrogram", "update spectrogram")
    activity.wrap(window.classifier_panel, "show_prediction", "update classifier")
    activity.wrap(window, "_show_status", "update status bar")
    activity.wrap(window.engine, "snapshot", "engine snapshot")


def _time_predictions(classifier, predictions: list[tuple[float, float]], lock) -> None:
    """Record when each prediction ran (on the classifier thread)."""
    original = classifier.predict

    def timed(*args, **kwargs):
        start_s = time.monotonic()
        try:
            return original(*args, **kwargs)
        finally:
            with lock:
                predictions.append((start_s, time.monotonic()))

    timed.__wrapped__ = original
    classifier.predict = timed


def _gil_canary(activity: GuiActivity, collected: Collected, stop: threading.Event) -> None:
    """Sleep 1 ms at a time; a late wake-up is time another thread held the GIL (or the CPU)."""
    while not stop.is_set():
        before = time.perf_counter()
        time.sleep(0.001)
        late_s = time.perf_counter() - before - 0.001
        if late_s > 0.002:
            open_now = activity._open
            collected.gil_delays.append((late_s, open_now[-1].label if open_now else "-"))


# -- report ----------------------------------------------------------------------------------
def report(
    args: argparse.Namespace,
    started: datetime.datetime,
    load_before: tuple[float, float, float],
    collected: Collected,
    activity: GuiActivity,
    helper_pids: dict[str, int],
) -> None:
    timings = [t for t in collected.timings if collected.warm_s <= t.arrived_s <= collected.end_s]
    elapsed = collected.end_s - collected.warm_s
    latency_ms = np.array([t.latency_s for t in timings]) * 1e3
    busy = " beside a process keeping one core busy" if args.busy_core else ""
    print(
        f"{started:%Y-%m-%d %H:%M %Z}: live window in app.exec(), Qt platform "
        f"{collected.platform!r} (Xvfb {args.size}), every panel, classifier on, virtual "
        f"microphone (private PulseAudio, paplay loop), {elapsed:.0f} s after {args.warm_up:.0f} s "
        f"warm-up{busy}; niceness {os.nice(0)}; GUI probe {'off' if args.no_probe else 'on'}; "
        f"analysis on {'a thread of the window' if args.analysis_thread else 'its own process'}"
    )
    _print_conditions(load_before, collected, elapsed)
    p50, p99, p999 = np.percentile(latency_ms, [50, 99, 99.9])
    print(
        f"block->spectrum latency over {latency_ms.size} hops: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"p99.9 {p999:.1f} ms, max {latency_ms.max():.1f} ms   "
        f"(target p99 <= {20 if args.busy_core else 12} ms)"
    )
    _print_latency_parts(timings)
    _print_slow_frames(timings, activity, collected)
    fps = np.array(collected.fps)
    print(
        f"display: median {np.median(fps):.0f} fps, min {fps.min():.0f} fps (target >= 50)   "
        f"spectrum repaints {activity.counts['paint spectrum'] / max(elapsed, 1e-9):.0f}/s"
        if fps.size
        else "display: no samples"
    )
    print_lost_frames(
        collected.ticks,
        activity,
        collected.predictions,
        collected.full_collections,
        collected.warm_s,
        collected.end_s,
    )
    _print_cpu(collected, elapsed, helper_pids)
    if not args.no_probe:
        _print_gui_costs(activity, elapsed, collected.warm_s)
    if collected.gil_delays:
        _print_gil(collected, elapsed)
    overflows = collected.overflows_at_end - collected.overflows_at_warm
    print(
        f"input overflows: {overflows} (target 0); hops skipped since start: "
        f"{collected.hops_skipped}; classifier: {collected.classifier_problem or 'running'}, "
        f"{len(collected.predictions) / max(elapsed + args.warm_up, 1e-9):.1f} predictions/s"
    )


def _print_conditions(load_before, collected: Collected, elapsed: float) -> None:
    start, end = collected.start_cpu, collected.end_cpu
    cores = os.cpu_count() or 1
    machine = (end.machine_s - start.machine_s) / elapsed
    ours = _app_cpu_s(start, end) / elapsed
    helpers = sum(end.helpers[n] - start.helpers[n] for n in end.helpers) / elapsed
    others = machine - ours - helpers
    loads = collected.load_samples or [float("nan")]
    print(
        f"conditions: {cores} cores; load average (1 min) {load_before[0]:.2f} before, "
        f"{np.median(loads):.2f} median / {max(loads):.2f} max during the run; machine busy "
        f"{machine:.0%} of one core, of which this process {ours:.0%}, its helpers "
        f"{helpers:.0%}, other processes {max(others, 0.0):.0%}"
    )


def _app_cpu_s(start: CpuReading, end: CpuReading) -> float:
    """CPU seconds of the app: this process and the processes it started (not the helpers)."""
    children = sum(
        seconds - start.app_children.get(pid, (name, 0.0, 0.0))[1]
        for pid, (name, seconds, _) in end.app_children.items()
    )
    return end.process_s - start.process_s + children


def _print_latency_parts(timings: list[FrameTiming]) -> None:
    wake = np.array([t.started_s - t.arrived_s for t in timings]) * 1e3
    compute = np.array([t.published_s - t.started_s for t in timings]) * 1e3
    cpu = np.array([t.cpu_s for t in timings]) * 1e3
    waiting = compute - cpu
    print(
        "  parts (p50 / p99 ms): block arrival -> analysis thread running "
        f"{np.median(wake):.1f} / {np.percentile(wake, 99):.1f}; analysis wall "
        f"{np.median(compute):.1f} / {np.percentile(compute, 99):.1f} of which its own CPU "
        f"{np.median(cpu):.1f} / {np.percentile(cpu, 99):.1f} and waiting (GIL or CPU) "
        f"{np.median(waiting):.1f} / {np.percentile(waiting, 99):.1f}"
    )


def _print_slow_frames(
    timings: list[FrameTiming], activity: GuiActivity, collected: Collected
) -> None:
    slow = [t for t in timings if t.latency_s * 1e3 > SLOW_MS]
    print(
        f"slow frames (> {SLOW_MS:.0f} ms): {len(slow)} of {len(timings)} (in a process of its "
        "own the analysis waits for a CPU only; on a thread, also for the GIL)"
    )
    if not slow:
        return
    edges = (SLOW_MS, *BUCKETS_MS[1:])
    for low, high in itertools.pairwise(edges):
        bucket = [t for t in slow if low < t.latency_s * 1e3 <= high]
        if not bucket:
            continue
        causes: collections.Counter[str] = collections.Counter()
        gui_ms = classifier_ms = 0.0
        for timing in bucket:
            doing = activity.busy_during(timing.arrived_s, timing.published_s)
            gui_ms += sum(doing.values()) * 1e3
            predicting = sum(
                max(0.0, min(b, timing.published_s) - max(a, timing.arrived_s))
                for a, b in collected.predictions
                if b >= timing.arrived_s and a <= timing.published_s
            )
            classifier_ms += predicting * 1e3
            if doing and max(doing.values()) >= max(IDLE_GUI_S, predicting):
                causes[max(doing, key=doing.get)] += 1
            elif predicting >= IDLE_GUI_S:
                causes["classifier predicting"] += 1
            else:
                causes["GUI idle, no prediction (CPU elsewhere?)"] += 1
        top = ", ".join(f"{label} {count}" for label, count in causes.most_common(4))
        span = f"{low:.0f}-{high:.0f} ms" if high != float("inf") else f"> {low:.0f} ms"
        count = len(bucket)
        to_start = sum(t.started_s - t.arrived_s for t in bucket) / count * 1e3
        cpu = sum(t.cpu_s for t in bucket) / count * 1e3
        waiting = sum(t.published_s - t.started_s - t.cpu_s for t in bucket) / count * 1e3
        print(
            f"  {span:>9}: {count:5d} frames, on average {to_start:.1f} ms until the analysis "
            f"ran, {cpu:.1f} ms computing, {waiting:.1f} ms waiting meanwhile; GUI thread busy "
            f"{gui_ms / count:.1f} ms and classifier {classifier_ms / count:.1f} ms of it; "
            f"GUI mostly in: {top}"
        )


def _print_cpu(collected: Collected, elapsed: float, helper_pids: dict[str, int]) -> None:
    start, end = collected.start_cpu, collected.end_cpu
    process = (end.process_s - start.process_s) / elapsed
    app = _app_cpu_s(start, end) / elapsed
    per_thread: collections.Counter[str] = collections.Counter()
    waited: collections.Counter[str] = collections.Counter()
    for before, after in ((start.threads, end.threads), (start.app_children, end.app_children)):
        _add_cpu(before, after, per_thread, waited)
    shown = ", ".join(
        f"{name} {seconds / elapsed:.0%} (waited for a CPU {waited[name] / elapsed:.1%})"
        for name, seconds in per_thread.most_common()
        if seconds / elapsed >= 0.005
    )
    helpers = ", ".join(
        f"{name} {(end.helpers[name] - start.helpers[name]) / elapsed:.0%}" for name in helper_pids
    )
    print(
        f"CPU of one core: the app {app:.0%} (the window's process {process:.0%}, the "
        f"processes it started {app - process:.0%}); threads and processes: {shown}"
    )
    print(f"  helpers (not the app): {helpers}")


def _add_cpu(
    before: dict[int, tuple[str, float, float]],
    after: dict[int, tuple[str, float, float]],
    per_name: collections.Counter[str],
    waited: collections.Counter[str],
) -> None:
    """Add each thread's or process's CPU seconds and CPU wait between two readings, by name."""
    for key, (name, seconds, delay_s) in after.items():
        _, seconds_before, delay_before_s = before.get(key, (name, 0.0, 0.0))
        per_name[name] += seconds - seconds_before
        waited[name] += delay_s - delay_before_s


def _print_gui_costs(activity: GuiActivity, elapsed: float, warm_s: float) -> None:
    rows = []
    for label, seconds in activity.total_s.most_common():
        if seconds / elapsed < 0.002:
            continue
        durations = [
            a.end_s - a.start_s - sum(y - x for x, y in a.children)
            for a in activity.done()
            if a.label == label and a.start_s >= warm_s
        ]
        longest = max(durations) * 1e3 if durations else 0.0
        rows.append(
            f"{label} {seconds / elapsed:.1%} ({activity.counts[label] / elapsed:.0f}/s, "
            f"max {longest:.1f} ms)"
        )
    print("GUI thread's own time per activity (share of wall time): " + "; ".join(rows))


def _print_gil(collected: Collected, elapsed: float) -> None:
    delays = collected.gil_delays
    by_label: collections.Counter[str] = collections.Counter()
    for late_s, label in delays:
        by_label[label] += late_s
    late = np.array([d for d, _ in delays]) * 1e3
    top = ", ".join(f"{label} {seconds * 1e3:.0f} ms" for label, seconds in by_label.most_common(5))
    print(
        f"GIL canary: woke > 2 ms late {late.size} times ({late.size / elapsed:.1f}/s), "
        f"p99 of those {np.percentile(late, 99):.1f} ms, max {late.max():.1f} ms; GUI was in: {top}"
    )


if __name__ == "__main__":
    sys.exit(main())
