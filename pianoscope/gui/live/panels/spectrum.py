"""Spectrum: raw FFT in dBFS, the corrected spectrum over it, partial markers, peak hold.

On the log scale the x values are log10(Hz) and the axis is labelled with note names; a
crosshair shows frequency, nearest note, cents and level under the mouse.
"""

from __future__ import annotations

import math

import numpy as np

from pianoscope.app.live.frame_analysis import LiveFrame
from pianoscope.dsp.pitch import hz_to_midi, note_name
from pianoscope.gui.live.live_plot import cache_axes, peak_envelope
from pianoscope.gui.note_axis import NoteAxis
from pianoscope.gui.qt import QtCore, pg

LEGEND_Z = 1_000  # above the plotted items (the view's contents sit at z 0)


class SpectrumPanel(pg.PlotWidget):
    def __init__(self, *, log_scale: bool = True, db_range: tuple[float, float] = (-120.0, 0.0)):
        super().__init__(axisItems={"bottom": NoteAxis("bottom")} if log_scale else None)
        self.log_scale = log_scale
        self.setLabel("left", "level", units="dBFS")
        self.setLabel("bottom", "note / frequency (Hz)" if log_scale else "frequency (Hz)")
        self.showGrid(x=True, y=True, alpha=0.2)
        self.setYRange(*db_range, padding=0)
        self.setXRange(*self._x((27.5, 8000.0)))
        # Above the curves, on a dark backdrop: in the review's small moment panel the legend
        # lies over the spectrum, and the partial markers were drawn across its names.
        self.addLegend(offset=(-10, 10), brush=pg.mkBrush(0, 0, 0, 200)).setZValue(LEGEND_Z)
        self.hold_curve = self._curve((150, 150, 150), "peak hold")
        self.raw_curve = self._curve("#4aa3df", "FFT")
        self.corrected_curve = self._curve("#e8743b", "corrected")
        self.markers = pg.ScatterPlotItem(size=8, brush=pg.mkBrush("#e8743b"), symbol="t")
        self.addItem(self.markers)
        self.readout = pg.TextItem(anchor=(0, 0))
        self.addItem(self.readout, ignoreBounds=True)
        self.v_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen((120, 120, 120)))
        self.addItem(self.v_line, ignoreBounds=True)
        self._frame: LiveFrame | None = None
        self.scene().sigMouseMoved.connect(self._mouse_moved)
        cache_axes(self)

    def _curve(self, colour, name: str) -> pg.PlotCurveItem:
        """A bare curve, one pixel wide, in the legend.

        Bare: PlotDataItem, what `plot()` makes, wraps the same curve in a dataset with its own
        bounds and checks, a quarter of the spectrum's update time (dB values are always
        finite, floored). One pixel: Qt draws such lines with its fast cosmetic stroker; the
        corrected curve two pixels wide cost 0.45 ms more per frame (measured interleaved).
        """
        curve = pg.PlotCurveItem(pen=pg.mkPen(colour, width=1), name=name, skipFiniteCheck=True)
        self.addItem(curve)
        return curve

    def _x(self, freq_hz):
        freq_hz = np.asarray(freq_hz, dtype=np.float64)
        return np.log10(np.maximum(freq_hz, 1.0)) if self.log_scale else freq_hz

    def show_frame(self, frame: LiveFrame) -> None:
        self._frame = frame
        x = self._x(frame.freq_hz[1:])
        self.raw_curve.setData(*self._thinned(x, frame.spectrum_db[1:]))
        self.hold_curve.setData(*self._thinned(x, frame.peak_hold_db[1:]))
        corrected = frame.corrected_freq_hz > 0
        self.corrected_curve.setData(
            *self._thinned(
                self._x(frame.corrected_freq_hz[corrected]), frame.corrected_db[corrected]
            )
        )
        if frame.shown_partials:
            shown = frame.shown_partials
            self.markers.setData(self._x([p.freq_hz for p in shown]), [p.amp_db for p in shown])
        else:
            self.markers.clear()

    def _thinned(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        view = self.getPlotItem().vb
        low, high = view.viewRange()[0]
        return peak_envelope(x, y, (low, high), max(int(view.width()), 100))

    def readout_text(self, freq_hz: float) -> str:
        """Frequency, nearest note with cents, and the spectrum's level there."""
        if freq_hz <= 0:
            return ""
        midi = hz_to_midi(freq_hz)
        nearest = round(midi)
        text = f"{freq_hz:.1f} Hz  {note_name(nearest)} {100 * (midi - nearest):+.0f} cents"
        if self._frame is not None:
            level = float(np.interp(freq_hz, self._frame.freq_hz, self._frame.spectrum_db))
            text += f"  {level:.1f} dBFS"
        return text

    def _mouse_moved(self, position: QtCore.QPointF) -> None:
        if not self.sceneBoundingRect().contains(position):
            return
        point = self.getPlotItem().vb.mapSceneToView(position)
        freq_hz = 10.0 ** point.x() if self.log_scale else point.x()
        if not math.isfinite(freq_hz):
            return
        self.v_line.setPos(point.x())
        self.readout.setText(self.readout_text(freq_hz))
        self.readout.setPos(point.x(), point.y())
