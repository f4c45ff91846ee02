"""Save a PNG of the live window following a score, the moment a wrong note flashes.

Piece A of the score tests, played with a wrong note in bar 3 and rendered by TimGM6mb's grand,
is played as live input at its own pace while the Score panel follows its MusicXML. Run under
Xvfb (scripts/screenshots.sh does): python scripts/screenshot_follow.py OUT_DIR
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.score_pieces import PIECE_A, perform, write_piece
from support.score_renders import render
from support.score_truth import planted_faults

from pianoscope.app.live.session import InputChoice
from pianoscope.gui.live.main_window import MainWindow
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.library.store import Library
from pianoscope.model.training.render import TIMGM
from pianoscope.score.loading import load_score

TIMEOUT_S = 60.0


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QtWidgets.QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        score_path = write_piece(folder / "Minuet.musicxml", PIECE_A)
        faults = planted_faults(load_score(score_path))["wrong note in bar 3"][0]
        take = folder / "take.wav"
        sf.write(take, render(perform(load_score(score_path), faults).notes, TIMGM), 44_100)
        qsettings = QtCore.QSettings(str(folder / "s.ini"), QtCore.QSettings.Format.IniFormat)
        window = MainWindow(qsettings=qsettings, library=Library.open(folder / "library"))
        window.resize(1440, 900)
        window.show()
        window.docks["Score"].raise_()
        window.score_follow.follow(str(score_path))
        window.start_input(InputChoice(file=take, loop=False))
        deadline = time.monotonic() + TIMEOUT_S
        while "Wrong note" not in window.score_follow.status.text():
            if time.monotonic() > deadline:
                raise SystemExit(f"no wrong note shown: {window.score_follow.status.text()}")
            app.processEvents()
            time.sleep(0.005)
        for _ in range(20):  # let the strip paint the flash
            app.processEvents()
            time.sleep(0.005)
        print(f"platform {app.platformName()}, score panel: {window.score_follow.status.text()}")
        shot = app.primaryScreen().grabWindow(window.winId())
        target = out_dir / "live-score-follow.png"
        shot.save(str(target))
        print(f"saved {target} ({shot.width()}x{shot.height()})")
        window.stop_input()
        window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
