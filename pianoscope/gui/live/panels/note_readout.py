"""Note readout: the dominant note, how many cents off, its f0 and the string's inharmonicity."""

from __future__ import annotations

from pianoscope.app.live.frame_analysis import LiveFrame
from pianoscope.gui.qt import QtCore, QtGui, QtWidgets


class NoteReadout(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.note_label = QtWidgets.QLabel("–")
        font = QtGui.QFont()
        font.setPointSize(28)
        font.setBold(True)
        self.note_label.setFont(font)
        self.note_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        self.detail_label = QtWidgets.QLabel("no note")
        self.detail_label.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.note_label)
        layout.addWidget(self.detail_label)

    def show_frame(self, frame: LiveFrame) -> None:
        pitch = frame.pitch
        if pitch is None:
            self.note_label.setText("–")
            self.detail_label.setText("no note")
            return
        self.note_label.setText(f"{pitch.note} {pitch.cents:+.0f}¢")
        self.detail_label.setText(f"f0 {pitch.f0_hz:.2f} Hz   B = {pitch.inharmonicity_b:.2e}")
