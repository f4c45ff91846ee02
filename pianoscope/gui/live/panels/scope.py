"""Scope: the newest 40 ms of the waveform."""

from __future__ import annotations

import numpy as np

from pianoscope.app.live.frame_analysis import LiveFrame
from pianoscope.gui.live.live_plot import SteppedRange, cache_axes
from pianoscope.gui.qt import pg

MIN_SPAN = 0.01  # ± full scale: silence must not magnify noise


class ScopePanel(pg.PlotWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setLabel("bottom", "time", units="s")
        self.setMouseEnabled(x=False, y=False)
        self.showGrid(x=True, y=True, alpha=0.2)
        self.curve = self.plot(pen=pg.mkPen("#4aa3df", width=1))
        cache_axes(self)
        self._range = SteppedRange(MIN_SPAN)

    def show_frame(self, frame: LiveFrame) -> None:
        count = frame.waveform.size
        time_s = (np.arange(count) - count) / frame.sample_rate_hz
        self.curve.setData(time_s, frame.waveform)
        # Zoom to the signal, in steps so that the axis is not rebuilt on every frame.
        if self._range.update(float(abs(frame.waveform).max(initial=0.0)) * 1.1, frame.time_s):
            self.setYRange(-self._range.span, self._range.span, padding=0)
