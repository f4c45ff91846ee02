"""Save PNG screenshots of the live window playing the demo, in a real X window.

Run under Xvfb: xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshot.py OUT_DIR
(`make`-free: scripts/screenshots.sh does exactly that.)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from pianoscope.app.live.classifier_worker import preload_classifier_runtime
from pianoscope.gui.live.main_window import MainWindow
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.library.store import Library

SETTLE_S = 7.0


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    preload_classifier_runtime()  # as `pianoscope` does before its window shows
    app = QtWidgets.QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        qsettings = QtCore.QSettings(str(Path(tmp) / "s.ini"), QtCore.QSettings.Format.IniFormat)
        window = MainWindow(qsettings=qsettings, library=Library.open(Path(tmp) / "library"))
        window.resize(1440, 900)
        window.show()
        window.student_edit.setText("Ada")
        window.piece_edit.setText("C major study")
        window.start_demo()
        deadline = time.monotonic() + SETTLE_S
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        screen = app.primaryScreen()
        print(f"platform {app.platformName()}, status: {window.status_label.text()}")
        shot = screen.grabWindow(window.winId())
        target = out_dir / "live-window.png"
        shot.save(str(target))
        print(f"saved {target} ({shot.width()}x{shot.height()})")
        window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
