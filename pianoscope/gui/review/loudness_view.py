"""Loudness curve (RMS and A-weighted dBFS) with dynamic markings and the take's dynamic range."""

from __future__ import annotations

import numpy as np

from pianoscope.analysis.result import Analysis
from pianoscope.app.review.dynamics import DynamicMarking, dynamic_markings
from pianoscope.gui.qt import pg
from pianoscope.gui.review.time_plot import TimePlot

FLOOR_DB = -80.0


class LoudnessPlot(TimePlot):
    def __init__(self) -> None:
        super().__init__("loudness", axis_label="loudness (dBFS)")
        self.rms_curve = self.plot(pen=pg.mkPen((150, 150, 150), width=1), name="RMS")
        self.a_curve = self.plot(pen=pg.mkPen("#e8743b", width=2), name="A-weighted")
        self.marking_items: list[pg.TextItem] = []
        self.markings: tuple[DynamicMarking, ...] = ()
        self.setYRange(FLOOR_DB, 0, padding=0)

    def show_analysis(self, analysis: Analysis) -> None:
        loudness = analysis.loudness
        time_s = (np.arange(loudness.rms_db.size) + 0.5) * loudness.frame_s
        self.rms_curve.setData(time_s, np.maximum(loudness.rms_db, FLOOR_DB))
        self.a_curve.setData(time_s, np.maximum(loudness.a_weighted_db, FLOOR_DB))
        for item in self.marking_items:
            self.removeItem(item)
        self.markings = dynamic_markings(loudness)
        self.marking_items = []
        for marking in self.markings:
            item = pg.TextItem(marking.marking, color="#ffd27f", anchor=(0, 0))
            font = item.textItem.font()
            font.setItalic(True)
            font.setBold(True)
            font.setPointSize(11)
            item.setFont(font)
            item.setPos(marking.start_s, -2.0)
            self.addItem(item, ignoreBounds=True)
            self.marking_items.append(item)
        self.plotItem.setTitle(
            f"dynamic range {analysis.dynamic_range_db:.1f} dB", size="9pt", justify="right"
        )
