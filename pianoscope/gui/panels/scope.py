"""Scope: the newest 40 ms of the waveform."""

from __future__ import annotations

import numpy as np

from pianoscope.app.live_analysis import LiveFrame
from pianoscope.gui.qt import pg


class ScopePanel(pg.PlotWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setLabel("bottom", "time", units="s")
        self.setMouseEnabled(x=False, y=False)
        self.showGrid(x=True, y=True, alpha=0.2)
        self.curve = self.plot(pen=pg.mkPen("#4aa3df", width=1))

    def show_frame(self, frame: LiveFrame) -> None:
        count = frame.waveform.size
        time_s = (np.arange(count) - count) / frame.sample_rate_hz
        self.curve.setData(time_s, frame.waveform)
        # Zoom to the signal (at least +-0.01 so that silence does not magnify noise).
        span = max(0.01, float(abs(frame.waveform).max(initial=0.0)) * 1.1)
        self.setYRange(-span, span, padding=0)
