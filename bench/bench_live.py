"""Live performance: block-to-spectrum latency, display frame rate, CPU, input overflows.

Runs the live window (offscreen, all panels open) on the demo recording played as live input,
or with --mic on the PulseAudio virtual microphone fed by paplay (the real PortAudio path;
start it with scripts/virtual_mic.sh). Prints the figures the README quotes. The issue's
targets: latency p99 <= 20 ms, >= 30 fps, analysis + inference <= 35 % of one core, 0 overflows.

Run: python bench/bench_live.py --seconds 300 [--mic]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

from pianoscope.app.live.classifier_worker import preload_classifier_runtime
from pianoscope.app.live.session import InputChoice
from pianoscope.gui.live.main_window import MainWindow
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.library.store import Library
from pianoscope.resources_path import demo_recording_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--mic", action="store_true", help="use the PulseAudio virtual mic")
    args = parser.parse_args()

    preload_classifier_runtime()  # as `pianoscope` does before its window shows
    app = QtWidgets.QApplication(sys.argv[:1])
    player = None
    with tempfile.TemporaryDirectory() as tmp:
        qsettings = QtCore.QSettings(str(Path(tmp) / "s.ini"), QtCore.QSettings.Format.IniFormat)
        window = MainWindow(qsettings=qsettings, library=Library.open(Path(tmp) / "library"))
        window.resize(1440, 900)
        window.show()
        if args.mic:
            window.start_input(InputChoice(device="pulse"))
            player = subprocess.Popen(
                ["bash", "-c", f"while true; do paplay '{demo_recording_path()}'; done"]
            )
        else:
            window.start_demo()
        engine = window.engine
        if engine is None:
            raise SystemExit(f"could not start the input: {window.banner.text()}")
        fps_samples, load_samples, classifier_samples = [], [], []
        cpu_start = time.process_time()
        started = time.monotonic()
        next_sample = started + 5.0
        while time.monotonic() - started < args.seconds:
            app.processEvents()
            time.sleep(0.002)
            if time.monotonic() >= next_sample:
                stats = engine.stats()
                fps_samples.append(window.display_fps)
                load_samples.append(stats.analysis_load)
                classifier_samples.append(stats.classifier_load)
                next_sample += 5.0
        elapsed = time.monotonic() - started
        process_cpu = (time.process_time() - cpu_start) / elapsed
        stats = engine.stats()
        classifier_problem = engine.classifier.problem if engine.classifier else "off"
        window.stop_input()
        if player is not None:
            player.kill()
            subprocess.run(["pkill", "paplay"], check=False)

    source = "virtual microphone (PortAudio)" if args.mic else "demo file as live input"
    print(f"{elapsed:.0f} s, {source}, window on Qt platform {app.platformName()!r}, all panels")
    print(
        f"  spectrum latency from block arrival: p50 {stats.latency_p50_ms:.1f} ms, "
        f"p99 {stats.latency_p99_ms:.1f} ms   (target p99 <= 20 ms)"
    )
    print(
        f"  display: median {np.median(fps_samples):.0f} fps, min {np.min(fps_samples):.0f} fps"
        f"   (target >= 30)"
    )
    analysis, classifier = np.mean(load_samples), np.mean(classifier_samples)
    print(
        f"  CPU of one core: analysis {analysis:.0%}, classifier {classifier:.0%}, "
        f"together {analysis + classifier:.0%} (target <= 35 %); whole process incl. "
        f"drawing {process_cpu:.0%}"
    )
    print(
        f"  input overflows: {stats.overflow_count}; hops skipped: {stats.hops_skipped}; "
        f"frames analysed: {stats.frames_analysed}"
    )
    print(f"  classifier: {classifier_problem or 'running'}")


if __name__ == "__main__":
    main()
