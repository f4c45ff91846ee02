"""Soak: live input through the virtual microphone with every panel, the classifier and a
recording running; reports RSS growth after the first minute, input overflows and whether the
recording is complete.

Target (issue 7): 30 minutes, RSS growth < 20 MB after the first minute, 0 overflows, recording
complete. CI runs a short version (tests/gui/live/test_soak.py). Needs scripts/virtual_mic.sh start.
Run: python bench/bench_soak.py --seconds 1800
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pianoscope.app.live.session import InputChoice
from pianoscope.audio.fileio import probe_audio
from pianoscope.gui.live.main_window import MainWindow
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.library.store import Library
from pianoscope.resources_path import demo_recording_path

WARM_UP_S = 60.0


@dataclass(frozen=True)
class SoakResult:
    seconds: float
    rss_after_warm_up_mb: float
    rss_end_mb: float
    overflows: int
    recorded_s: float
    frames_analysed: int
    frames_expected: int
    classifier_predictions: int
    problem: str | None

    @property
    def rss_growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_after_warm_up_mb


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def run_soak(seconds: float, folder: Path, *, warm_up_s: float = WARM_UP_S) -> SoakResult:
    """Play the demo into the virtual mic in a loop and run the full window on it."""
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(sys.argv[:1])
    qsettings = QtCore.QSettings(str(folder / "s.ini"), QtCore.QSettings.Format.IniFormat)
    window = MainWindow(qsettings=qsettings, library=Library.open(folder / "library"))
    window.show()
    player = subprocess.Popen(
        # The loop ends with this process even when it is killed: a loop left playing into
        # the virtual microphone spoiled every later recording test (2026-12-01).
        [
            "bash",
            "-c",
            f"while kill -0 {os.getpid()} 2>/dev/null; do paplay '{demo_recording_path()}'; done",
        ],
        start_new_session=True,
    )
    try:
        window.start_input(InputChoice(device="pulse"))
        if window.engine is None:
            raise RuntimeError(window.banner.text())
        deadline = time.monotonic() + 10
        while window.engine.source.ring.written == 0 and time.monotonic() < deadline:
            app.processEvents()  # PulseAudio may take a second or two to deliver the first block
            time.sleep(0.01)
        window.start_recording()
        started = time.monotonic()
        rss_warm = None
        while (elapsed := time.monotonic() - started) < seconds:
            app.processEvents()
            time.sleep(0.005)
            if rss_warm is None and elapsed >= warm_up_s:
                rss_warm = rss_mb()
        engine = window.engine
        stats = engine.stats()
        predictions = len(engine.classifier.history()) if engine.classifier else 0
        expected = round(seconds * engine.source.sample_rate_hz / engine.settings.hop_frames)
        problem = engine.problem
        rss_end = rss_mb()
        window.stop_recording()
        window.take_filer.wait_idle(120)
    finally:
        os.killpg(player.pid, 9)
        player.wait()
        window.stop_input()
        window.close()
    recorded = probe_audio(window.last_recording).duration_s if window.last_recording else 0.0
    return SoakResult(
        seconds=seconds,
        rss_after_warm_up_mb=rss_warm if rss_warm is not None else rss_end,
        rss_end_mb=rss_end,
        overflows=stats.overflow_count,
        recorded_s=recorded,
        frames_analysed=stats.frames_analysed,
        frames_expected=expected,
        classifier_predictions=predictions,
        problem=problem,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="live soak through the virtual microphone")
    parser.add_argument("--seconds", type=float, default=1800.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run_soak(args.seconds, Path(tmp))
    print(
        f"soak {result.seconds:.0f} s: RSS {result.rss_after_warm_up_mb:.1f} MB after the "
        f"first minute, {result.rss_end_mb:.1f} MB at the end "
        f"(growth {result.rss_growth_mb:+.1f} MB, target < 20 MB)"
    )
    print(
        f"  input overflows {result.overflows} (target 0); recording {result.recorded_s:.1f} s "
        f"of {result.seconds:.0f} s; spectra {result.frames_analysed} of "
        f"{result.frames_expected} hops; classifier predictions in the last minute "
        f"{result.classifier_predictions}; problem: {result.problem or 'none'}"
    )


if __name__ == "__main__":
    main()
