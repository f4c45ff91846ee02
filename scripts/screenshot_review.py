"""Save a PNG screenshot of the review window on the bundled demo, in a real X window.

Run under Xvfb (scripts/screenshots.sh does): the demo is copied to a temporary folder with a
sidecar (student, piece) and two comments, analysed, a moment is picked and the window grabbed.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from pianoscope.audio.recorder import RecordingMetadata, _write_sidecar
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.gui.review.window import ReviewWindow
from pianoscope.library.comment_sidecar import CommentStore
from pianoscope.resources_path import demo_recording_path

SETTLE_S = 1.5
MOMENT_S = 11.2


def _wait(app: QtWidgets.QApplication, until, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not until() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QtWidgets.QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        take = Path(tmp) / "2026-11-26 14-05-09 C major study.flac"
        shutil.copy(demo_recording_path(), take)
        _write_sidecar(
            take,
            RecordingMetadata(
                "2026-11-26T14:05:09", "demo", 44_100, "FLAC", "done", "Ada", "C major study"
            ),
        )
        store = CommentStore(take)
        store.add(6.4, "staccato: even, but the left hand rushes")
        store.add(10.6, "bar 12: chords louder than asked")
        qsettings = QtCore.QSettings(str(Path(tmp) / "s.ini"), QtCore.QSettings.Format.IniFormat)
        window = ReviewWindow(qsettings=qsettings)
        window.resize(1560, 960)
        window.show()
        window.open_recording(take)
        _wait(app, lambda: window.analysis is not None, 60.0)
        window.select_time(MOMENT_S)
        _wait(app, lambda: window.moment.frame is not None, 10.0)
        _wait(app, lambda: False, SETTLE_S)
        shot = app.primaryScreen().grabWindow(window.winId())
        target = out_dir / "review-window.png"
        shot.save(str(target))
        print(f"saved {target} ({shot.width()}x{shot.height()})")
        window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
