"""What each live panel costs the GUI thread to update and to paint, in the real window.

Opens the live window as `pianoscope` does (`gui.launch.open_live_window`) on an Xvfb screen of
its own (1440x900), stops its display timer, and hands every panel the frames of the demo
recording one by one: the panel's update (`show_frame`, `show_spectrogram`) and then its paint
(a synchronous repaint, as the window's repaint does it), each timed in the GUI thread's own CPU
time, which other processes on the machine change less than wall time. Rounds alternate
between the panels, so a change of load hits all alike.

`bench_live.py` measures the window as a whole over minutes; this is the quick, per-panel view
for deciding what to make cheaper (a few seconds).

Run: python bench/bench_live_panels.py [--frames 60] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from live_processes import missing_programs, x_server

from pianoscope.app.live.frame_analysis import LiveAnalyser, LiveFrame
from pianoscope.app.live.settings import LiveSettings
from pianoscope.app.live.spectrogram_buffer import SpectrogramBuffer
from pianoscope.audio.fileio import load_audio
from pianoscope.resources_path import demo_recording_path

RATE_HZ = 44_100


def demo_frames(count: int, settings: LiveSettings) -> list[LiveFrame]:
    """`count` successive live frames of the demo recording, from its second second on."""
    audio = load_audio(demo_recording_path(), sample_rate_hz=RATE_HZ)
    analyser = LiveAnalyser(settings, RATE_HZ)
    ends = RATE_HZ * 2 + settings.hop_frames * np.arange(count)
    return [analyser.analyse(audio[end - settings.fft_size : end], int(end)) for end in ends]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=60, help="frames per panel and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", default="1440x900", help="screen and window size")
    args = parser.parse_args()
    if missing := missing_programs():
        raise SystemExit(f"needs {', '.join(missing)}: run `bash scripts/dev.sh install` first")
    width, height = (int(v) for v in args.size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        with x_server(width, height):
            measure(args, Path(tmp), (width, height))


def measure(args: argparse.Namespace, folder: Path, size: tuple[int, int]) -> None:
    from pianoscope.gui.launch import open_live_window
    from pianoscope.gui.qt import QtCore, pg
    from pianoscope.library.store import Library

    library = Library.open(folder / "library")
    qsettings = QtCore.QSettings(str(folder / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    app, window = open_live_window(library, qsettings=qsettings)
    window.timer.stop()
    window.resize(*size)
    deadline_s = time.monotonic() + 1.0
    while time.monotonic() < deadline_s:  # let the window take its size and lay out its docks
        app.processEvents()
    settings = LiveSettings()
    frames = demo_frames(args.frames, settings)
    spectrogram = SpectrogramBuffer(settings, RATE_HZ)

    def show_spectrogram(frame: LiveFrame) -> None:
        spectrogram.append(frame.spectrum_db)
        window.spectrogram.show_spectrogram(spectrogram)

    panels: dict[str, tuple[object, Callable[[LiveFrame], None]]] = {
        "spectrum": (window.spectrum, window.spectrum.show_frame),
        "spectrogram": (window.spectrogram, show_spectrogram),
        "scope": (window.scope, window.scope.show_frame),
        "level": (window.level_meter, window.level_meter.show_frame),
        "note": (window.note_readout, window.note_readout.show_frame),
        "partials": (window.partials_table, window.partials_table.show_frame),
    }
    costs = {name: ([], []) for name in panels}
    for _ in range(args.rounds):
        for name, (widget, update) in panels.items():
            surface = widget.viewport() if isinstance(widget, pg.GraphicsView) else widget
            for frame in frames:
                start_s = time.thread_time()
                update(frame)
                updated_s = time.thread_time()
                surface.repaint()
                costs[name][0].append(updated_s - start_s)
                costs[name][1].append(time.thread_time() - updated_s)
    print(
        f"live panels in the real window (Xvfb {size[0]}x{size[1]}, Qt {app.platformName()!r}), "
        f"{args.frames} demo frames x {args.rounds} rounds; GUI thread CPU ms per frame; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    for name, (widget, _) in panels.items():
        update_ms, paint_ms = (np.array(values) * 1e3 for values in costs[name])
        print(
            f"  {name:12s} update {np.median(update_ms):5.2f} (p90 "
            f"{np.percentile(update_ms, 90):5.2f})   paint {np.median(paint_ms):5.2f} (p90 "
            f"{np.percentile(paint_ms, 90):5.2f})   {widget.width()}x{widget.height()} px"
        )
    window.close()
    library.close()


if __name__ == "__main__":
    sys.exit(main())
