"""Waveform views from the min/max pyramid: the whole-take overview and the zoomed waveform.

Both draw an envelope as one zig-zag line through each bucket's minimum and maximum, which
looks like a filled waveform at any zoom and costs a few thousand points whatever the length.
"""

from __future__ import annotations

import numpy as np

from pianoscope.app.review.waveform_pyramid import Envelope, WaveformPyramid
from pianoscope.gui.qt import QtCore, pg
from pianoscope.gui.review.time_plot import LEFT_AXIS_PX, TimePlot

WAVE_PEN = pg.mkPen("#4aa3df", width=1)
REGION_BRUSH = pg.mkBrush(255, 200, 0, 60)
DETAIL_SAMPLES_PER_PX = 8


def zigzag(envelope: Envelope) -> tuple[np.ndarray, np.ndarray]:
    """x, y through low, high, low, high … of each bucket."""
    x = np.repeat(envelope.time_s + envelope.bucket_s / 2, 2)
    y = np.empty(x.size, dtype=np.float32)
    y[0::2], y[1::2] = envelope.low, envelope.high
    return x, y


class OverviewPlot(pg.PlotWidget):
    """The whole take; the shaded region is the visible part of the timeline and moves it."""

    region_moved = QtCore.Signal(float, float)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("overview")
        self.setFixedHeight(80)
        self.getAxis("left").setWidth(LEFT_AXIS_PX)
        self.getAxis("left").setTicks([[]])
        self.setMouseEnabled(x=False, y=False)
        self.hideButtons()
        self.setYRange(-1, 1, padding=0)
        self.curve = self.plot(pen=WAVE_PEN)
        self.region = pg.LinearRegionItem(brush=REGION_BRUSH)
        self.region.setZValue(10)
        self.addItem(self.region, ignoreBounds=True)
        self.region.sigRegionChanged.connect(self._region_changed)
        self.duration_s = 0.0

    def show_pyramid(self, pyramid: WaveformPyramid) -> None:
        self.duration_s = pyramid.duration_s
        envelope = pyramid.envelope(0.0, pyramid.duration_s, max(200, int(self.width())))
        self.curve.setData(*zigzag(envelope))
        self.setXRange(0, pyramid.duration_s, padding=0)
        peak = float(max(np.max(np.abs(envelope.low)), np.max(np.abs(envelope.high)), 1e-3))
        self.setYRange(-peak, peak, padding=0.05)
        self.region.setBounds((0, pyramid.duration_s))

    def show_visible(self, start_s: float, end_s: float) -> None:
        self.region.blockSignals(True)
        self.region.setRegion((start_s, end_s))
        self.region.blockSignals(False)

    def _region_changed(self) -> None:
        start_s, end_s = self.region.getRegion()
        self.region_moved.emit(float(start_s), float(end_s))


class WaveformPlot(TimePlot):
    """The waveform of the visible span at the finest pyramid level that fits the width.

    Zoomed in to fewer than `DETAIL_SAMPLES_PER_PX` samples per pixel, it asks for the samples
    themselves (`detail_wanted(start_s, end_s)`) and draws them when `show_samples` hands them in.
    """

    detail_wanted = QtCore.Signal(float, float)

    def __init__(self) -> None:
        super().__init__("waveform")
        self.curve = self.plot(pen=WAVE_PEN)
        self.pyramid: WaveformPyramid | None = None
        self.detail = False
        self.loop_region = pg.LinearRegionItem(brush=pg.mkBrush(44, 160, 44, 50))
        self.loop_region.hide()
        self.addItem(self.loop_region, ignoreBounds=True)
        self.comment_lines: list[pg.InfiniteLine] = []
        self.sigXRangeChanged.connect(lambda *_: self.redraw())

    def show_pyramid(self, pyramid: WaveformPyramid) -> None:
        self.pyramid = pyramid
        self.redraw()

    def redraw(self) -> None:
        if self.pyramid is None:
            return
        start_s, end_s = self.visible_range_s()
        samples = (end_s - start_s) * self.pyramid.sample_rate_hz
        self.detail = samples <= DETAIL_SAMPLES_PER_PX * self.width_px()
        if self.detail:
            self.detail_wanted.emit(start_s, end_s)
        envelope = self.pyramid.envelope(start_s, end_s, self.width_px())
        self.curve.setData(*zigzag(envelope))
        peak = float(max(np.max(np.abs(self.pyramid.lows[-1])), np.max(self.pyramid.highs[-1])))
        self.setYRange(-max(peak, 1e-3), max(peak, 1e-3), padding=0.05)

    def show_samples(self, start_s: float, samples: np.ndarray) -> None:
        """The samples themselves from `start_s`, if the view is still zoomed in that far."""
        if not self.detail or self.pyramid is None:
            return
        time_s = start_s + np.arange(samples.size) / self.pyramid.sample_rate_hz
        self.curve.setData(time_s, samples)

    def show_comments(self, comments) -> None:
        """A labelled dashed line at each comment."""
        for line in self.comment_lines:
            self.removeItem(line)
        self.comment_lines = []
        for comment in comments:
            line = pg.InfiniteLine(
                comment.time_s,
                angle=90,
                pen=pg.mkPen("#9467bd", style=QtCore.Qt.PenStyle.DashLine),
                label=comment.text[:30],
                labelOpts={"position": 0.9, "color": "#9467bd", "anchors": [(0, 0), (0, 0)]},
            )
            self.addItem(line, ignoreBounds=True)
            self.comment_lines.append(line)
