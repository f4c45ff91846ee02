"""Note readout: the dominant note, how many cents off, its f0 and the string's inharmonicity.

Its lines are `TextLine`s: they change several times a second, and a `QLabel` would re-lay out
the whole window each time."""

from __future__ import annotations

from pianoscope.app.live.frame_analysis import LiveFrame
from pianoscope.gui.qt import QtCore, QtGui, QtWidgets
from pianoscope.gui.text_line import TextLine


class NoteReadout(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        centred = QtCore.Qt.AlignmentFlag.AlignHCenter
        self.note_label = TextLine("–", widest="C#8 -50¢", alignment=centred)
        font = QtGui.QFont()
        font.setPointSize(28)
        font.setBold(True)
        self.note_label.setFont(font)
        self.detail_label = TextLine(
            "no note", widest="f0 4186.01 Hz   B = 1.00e-04", alignment=centred
        )
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
