"""Calibrate the level cue of intensity: the teacher plays a few mf notes for a few seconds.

A countdown with a progress bar runs on a Qt timer while the engine keeps listening; at the end
the engine measures the last seconds of input. Cancel leaves the old calibration in place.
"""

from __future__ import annotations

from pianoscope.app.live.engine import LiveEngine
from pianoscope.errors import CalibrationError
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.model.calibration import Calibration

CALIBRATION_S = 5.0
_TICK_MS = 100


class CalibrationDialog(QtWidgets.QDialog):
    """Runs one calibration; `calibration` holds the result once accepted."""

    def __init__(
        self,
        engine: LiveEngine,
        parent: QtWidgets.QWidget | None = None,
        *,
        seconds: float = CALIBRATION_S,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Calibrate the level")
        self.engine = engine
        self.seconds = seconds
        self.calibration: Calibration | None = None
        self.message = QtWidgets.QLabel(
            f"Play a few single notes mezzo-forte (medium loud) for {seconds:.0f} seconds, as "
            "you normally would. Louder or softer playing is then judged relative to this."
        )
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

    def _tick(self) -> None:
        elapsed_ms = self._elapsed.elapsed()
        self.progress.setValue(min(elapsed_ms, self.progress.maximum()))
        if elapsed_ms < self.seconds * 1000:
            return
        self._timer.stop()
        try:
            self.calibration = self.engine.measure_calibration(self.seconds)
        except CalibrationError as error:
            self.message.setText(str(error))
            self.buttons.setStandardButtons(QtWidgets.QDialogButtonBox.StandardButton.Close)
            return
        self.accept()
