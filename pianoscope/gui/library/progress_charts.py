"""Progress over time for a student (and piece): tempo, dynamic range, notes, forms,
intensities and practice minutes, one small chart each on a shared date axis."""

from __future__ import annotations

import datetime as dt

import numpy as np

from pianoscope.gui.live.panels.classifier_panel import PALETTE
from pianoscope.gui.qt import QtWidgets, pg
from pianoscope.library.progress import ProgressSeries
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS


class ProgressCharts(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.title = QtWidgets.QLabel("Choose a student or a piece.")
        self.title.setStyleSheet("font-weight:bold;")
        self.graphics = pg.GraphicsLayoutWidget()
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.graphics)
        self.plots: dict[str, pg.PlotItem] = {}
        for row, (key, label) in enumerate(
            (
                ("tempo", "tempo (BPM)"),
                ("dynamic_range", "dynamic range (dB)"),
                ("notes", "notes"),
                ("form", "playing form (share)"),
                ("intensity", "intensity (share)"),
                ("practice", "practice (min/day)"),
            )
        ):
            plot = self.graphics.addPlot(row=row, col=0, axisItems={"bottom": pg.DateAxisItem()})
            plot.setLabel("left", label)
            plot.getAxis("left").enableAutoSIPrefix(False)  # 0.8 min/day, not 800 "(x0.001)"
            plot.showGrid(x=True, y=True, alpha=0.2)
            if key in ("form", "intensity"):  # in three columns: five rows did not fit ("ff")
                plot.addLegend(offset=(-5, 5), colCount=3)
            self.plots[key] = plot
        for key in ("dynamic_range", "notes", "form", "intensity", "practice"):
            self.plots[key].setXLink(self.plots["tempo"])

    def show_series(self, series: ProgressSeries, title: str) -> None:
        """Draw the series; takes without analysis are simply absent (the title says when
        none is analysed yet). The shared date axis spans the takes and the practice days."""
        takes = len(series.points)
        minutes = round(series.total_practice_minutes)
        analysed = "no analysed take yet" if takes == 0 else counted(takes, "analysed take")
        self.title.setText(f"{title}: {analysed}, {counted(minutes, 'minute')} recorded")
        for plot in self.plots.values():
            plot.clear()
        times = np.array([point.recorded_at.timestamp() for point in series.points])
        symbol = {"symbol": "o", "symbolSize": 7}
        tempo = np.array([np.nan if p.tempo_bpm is None else p.tempo_bpm for p in series.points])
        self.plots["tempo"].plot(times, tempo, pen="#4aa3df", **symbol)
        self.plots["dynamic_range"].plot(
            times, [p.dynamic_range_db for p in series.points], pen="#e8743b", **symbol
        )
        self.plots["notes"].plot(
            times, [p.note_count for p in series.points], pen="#5cb85c", **symbol
        )
        for head, labels in (("form", FORM_LABELS), ("intensity", INTENSITY_LABELS)):
            for index, label in enumerate(labels):
                colour = tuple(int(c) for c in PALETTE[index % len(PALETTE)])
                self.plots[head].plot(
                    times,
                    series.share_series(head, label),
                    pen=pg.mkPen(colour, width=2),
                    name=label,
                    symbol="o",
                    symbolSize=5,
                    symbolBrush=colour,
                )
        if series.practice:
            days = np.array(
                [_midday_timestamp(day.day) for day in series.practice], dtype=np.float64
            )
            minutes = [day.minutes for day in series.practice]
            self.plots["practice"].addItem(
                pg.BarGraphItem(x=days, height=minutes, width=0.8 * 86_400, brush="#9b59b6")
            )
            times = np.concatenate([times, days])
        if times.size:  # linked to the tempo chart, which alone would not see the practice bars
            self.plots["tempo"].setXRange(times.min() - _DAY_S, times.max() + _DAY_S, padding=0)


_DAY_S = 86_400.0


def counted(count: int, noun: str) -> str:
    """ "1 take", "2 takes": the library window's counts."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _midday_timestamp(day: dt.date) -> float:
    """Bars for a day are centred on its noon."""
    return dt.datetime.combine(day, dt.time(12)).timestamp()
