"""The side panel for one moment: spectrum with the corrected spectrum, note and partials.

It reuses the live window's panels; the review window hands it `LiveFrame`s computed from the
file at the clicked time, and a line of text for the moment (time, note picked on the roll).
"""

from __future__ import annotations

from pianoscope.app.live.frame_analysis import LiveFrame
from pianoscope.app.review.lesson_report import format_time
from pianoscope.gui.live.panels.note_readout import NoteReadout
from pianoscope.gui.live.panels.partials_table import PartialsTable
from pianoscope.gui.live.panels.spectrum import SpectrumPanel
from pianoscope.gui.qt import QtCore, QtWidgets


class MomentPanel(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.time_label = QtWidgets.QLabel("Click the timeline to see a moment.")
        self.time_label.setStyleSheet("font-weight:bold;")
        self.note_info = QtWidgets.QLabel("")
        self.note_info.setWordWrap(True)
        self.note_readout = NoteReadout()
        self.spectrum = SpectrumPanel(log_scale=True)
        self.partials_table = PartialsTable()
        splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        splitter.addWidget(self.spectrum)
        splitter.addWidget(self.partials_table)
        splitter.setSizes([400, 260])
        layout.addWidget(self.time_label)
        layout.addWidget(self.note_readout)
        layout.addWidget(self.note_info)
        layout.addWidget(splitter, 1)
        self.frame: LiveFrame | None = None

    def show_frame(self, frame: LiveFrame, fft_size: int) -> None:
        self.frame = frame
        self.time_label.setText(
            f"{format_time(frame.time_s)}  ({frame.time_s:.3f} s, FFT {fft_size}, "
            f"{frame.rms_dbfs:.1f} dBFS)"
        )
        self.note_readout.show_frame(frame)
        self.spectrum.show_frame(frame)
        self.partials_table.show_frame(frame)
