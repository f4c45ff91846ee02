"""Calibrate intensity: a few mf notes, a soft, a medium and a loud passage, or a scale.

The mf calibration moves the input's level so that its mf reads as the training's mf; the
three-passage calibration also maps the piano's own dynamic range and brightness change onto
pp..ff (see `pianoscope.model.calibration`); the scale calibration is the mf calibration plus
each key's level, against which every note's velocity is read
(`pianoscope.transcription.key_balance`). A countdown with a progress bar runs on a Qt timer
while the engine keeps listening; at the end of each phase the engine hands over the last
seconds of input. Cancel leaves the old calibration in place.
"""

from __future__ import annotations

import numpy as np

from pianoscope.app.live.engine import LiveEngine
from pianoscope.errors import CalibrationError
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.model.calibration import Calibration

CALIBRATION_S = 5.0
# Shown before every calibration: passages heard in the room of the take read its windows
# within one class 96-98 % of the time, the same passages played elsewhere (dry) 92-95.5 %
# (the leave-one-out judge, resources/MODEL_CARD.md).
WHERE_TO_CALIBRATE = (
    "Calibrate where you record: in the same room, with the microphone where it stays for the "
    "lesson and the input level unchanged."
)
_TICK_MS = 100
MF_INSTRUCTION = (
    "Play a few single notes mezzo-forte (medium loud) for {seconds:.0f} seconds, as you "
    "normally would. Louder or softer playing is then judged relative to this."
)
PASSAGE_INSTRUCTIONS = (
    "1 of 3: play a passage softly (piano) for {seconds:.0f} seconds.",
    "2 of 3: now play it medium loud (mezzo-forte) for {seconds:.0f} seconds.",
    "3 of 3: now play it loudly (forte) for {seconds:.0f} seconds.",
)
PASSAGE_WHAT = ("a soft passage", "a medium-loud passage", "a loud passage")
# A chromatic scale at about two keys a second covers four octaves in this long, within the
# 30 s the input's ring holds.
SCALE_CALIBRATION_S = 25.0
SCALE_INSTRUCTION = (
    "Play a chromatic scale mezzo-forte (medium loud), one key after another at an even pace, "
    "over the keys you use most (for instance from C3 up to C6), for {seconds:.0f} seconds. "
    "Each note's loudness is then read against its own key."
)


class CalibrationDialog(QtWidgets.QDialog):
    """Runs one calibration; `calibration` holds the result once accepted.

    With `passages`, three phases of `seconds` each (soft, medium, loud) make the three-passage
    calibration; with `scale`, one phase of a chromatic scale the scale calibration; otherwise
    one phase of mf notes."""

    def __init__(
        self,
        engine: LiveEngine,
        parent: QtWidgets.QWidget | None = None,
        *,
        seconds: float = CALIBRATION_S,
        passages: bool = False,
        scale: bool = False,
    ) -> None:
        super().__init__(parent)
        title = "Calibrate the keys" if scale else "Calibrate the level"
        self.setWindowTitle("Calibrate intensity" if passages else title)
        self.engine = engine
        self.seconds = seconds
        self.passages = passages
        self.scale = scale
        self.calibration: Calibration | None = None
        self._heard: list[np.ndarray] = []
        self.message = QtWidgets.QLabel(self._instruction())
        self.message.setWordWrap(True)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, round(seconds * 1000))
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self._elapsed = QtCore.QElapsedTimer()
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(_TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Begin listening (call before exec/open)."""
        self._elapsed.start()
        self._timer.start()

    def reject(self) -> None:
        self._timer.stop()
        super().reject()

    def _instruction(self) -> str:
        if self.scale:
            what = SCALE_INSTRUCTION.format(seconds=self.seconds)
        elif not self.passages:
            what = MF_INSTRUCTION.format(seconds=self.seconds)
        else:
            what = PASSAGE_INSTRUCTIONS[len(self._heard)].format(seconds=self.seconds)
        return f"{WHERE_TO_CALIBRATE}\n\n{what}"

    def _tick(self) -> None:
        elapsed_ms = self._elapsed.elapsed()
        self.progress.setValue(min(elapsed_ms, self.progress.maximum()))
        if elapsed_ms < self.seconds * 1000:
            return
        self._timer.stop()
        try:
            self._phase_done()
        except CalibrationError as error:
            self.message.setText(str(error))
            self.buttons.setStandardButtons(QtWidgets.QDialogButtonBox.StandardButton.Close)

    def _phase_done(self) -> None:
        if self.scale:
            scale = self.engine.recent_playing(self.seconds, "a chromatic scale medium loud")
            self.calibration = self.engine.calibration_from_scale(scale)
            self.accept()
            return
        if not self.passages:
            self.calibration = self.engine.measure_calibration(self.seconds)
            self.accept()
            return
        what = PASSAGE_WHAT[len(self._heard)]
        self._heard.append(self.engine.recent_playing(self.seconds, what))
        if len(self._heard) < len(PASSAGE_INSTRUCTIONS):
            self.message.setText(self._instruction())
            self.progress.setValue(0)
            self.start()
            return
        self.calibration = self.engine.calibration_from_passages(*self._heard)
        self.accept()
