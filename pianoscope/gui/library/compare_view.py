"""Two takes side by side on the reference's time axis: tempo per section and loudness, with
sections that differ most highlighted and the summary in sentences.

The time axis is marked with the reference's bars ("bar 5" at each section's first bar), and
the meter is set here; changing it regroups the comparison at once, without reading audio.
"""

from __future__ import annotations

import numpy as np

from pianoscope.analysis.meter import Meter
from pianoscope.analysis.result import Analysis
from pianoscope.app.library.compare import TakeComparison, with_meter
from pianoscope.gui.qt import QtCore, QtWidgets, pg
from pianoscope.gui.review.classifier_timeline import band_names, label_rgb, segment_label

# Sections slower or faster than this (5 %) or louder/softer by 3 dB are highlighted.
TEMPO_HIGHLIGHT = 0.05
LEVEL_HIGHLIGHT_DB = 3.0
TIMELINE_ROWS = ("reference form", "take form", "reference intensity", "take intensity")
# Loudness is drawn no lower than this: a take's digital silence (-200 dBFS) squeezed the
# playing into the top quarter of the chart.
LEVEL_FLOOR_DB = -90.0
LEFT_AXIS_PX = 130  # room for "reference intensity"


class CompareView(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.beats_per_bar = _spin(1, 16, Meter.beats_per_bar, "beats per bar")
        self.bars_per_section = _spin(1, 32, Meter.bars_per_section, "bars per section")
        self.upbeat_beats = _spin(0, 15, Meter.upbeat_beats, "upbeat (beats before bar 1)")
        meter_row = QtWidgets.QHBoxLayout()
        for label, spin in (
            ("Beats per bar", self.beats_per_bar),
            ("Bars per section", self.bars_per_section),
            ("Upbeat beats", self.upbeat_beats),
        ):
            meter_row.addWidget(QtWidgets.QLabel(label))
            meter_row.addWidget(spin)
            spin.valueChanged.connect(self._meter_changed)
        meter_row.addStretch(1)
        self.summary = QtWidgets.QLabel("Select two takes and press Compare.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.graphics = pg.GraphicsLayoutWidget()
        self.tempo_plot = self.graphics.addPlot(row=0, col=0)
        self.tempo_plot.setLabel("left", "tempo, take / reference")
        self.tempo_plot.addLine(y=1.0, pen=pg.mkPen((150, 150, 150), style=QtCore.Qt.DashLine))
        self.level_plot = self.graphics.addPlot(row=1, col=0)
        self.level_plot.setLabel("left", "level (dBFS)")
        self.level_plot.setLabel("bottom", "reference time", units="s")
        self.level_plot.addLegend(offset=(-5, 5))
        self.level_plot.setXLink(self.tempo_plot)
        self.timeline_plot = self.graphics.addPlot(row=2, col=0)
        self.timeline_plot.setXLink(self.tempo_plot)
        self.timeline_plot.setYRange(0, len(TIMELINE_ROWS), padding=0)
        self.timeline_plot.getAxis("left").setTicks(
            [[(len(TIMELINE_ROWS) - 1 - i + 0.5, name) for i, name in enumerate(TIMELINE_ROWS)]]
        )
        # One left-axis width for the three: x-linked plots share screen columns, so the
        # timeline's wider row names hid its first second and a half (and its first names).
        for plot in (self.tempo_plot, self.level_plot, self.timeline_plot):
            plot.getAxis("left").setWidth(LEFT_AXIS_PX)
        self.timeline_labels: dict[str, list[str]] = {}
        self.timeline_texts: list[str] = []
        """The names written on the timeline's bands, for tests."""
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(meter_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.graphics)
        self.highlighted: list[int] = []
        self.bar_ticks: list[tuple[float, str]] = []
        self.section_labels: list[str] = []
        self.comparison: TakeComparison | None = None
        self._analyses: tuple[Analysis | None, Analysis | None] = (None, None)

    def meter(self) -> Meter:
        """The meter the spin boxes show."""
        return Meter(
            beats_per_bar=self.beats_per_bar.value(),
            bars_per_section=self.bars_per_section.value(),
            upbeat_beats=self.upbeat_beats.value(),
        )

    def show_comparison(
        self,
        comparison: TakeComparison,
        reference_analysis: Analysis | None = None,
        take_analysis: Analysis | None = None,
    ) -> None:
        """Draw the comparison; with both analyses, their classifier timelines too."""
        self.comparison = comparison
        self._analyses = (reference_analysis, take_analysis)
        for spin, value in (
            (self.beats_per_bar, comparison.meter.beats_per_bar),
            (self.bars_per_section, comparison.meter.bars_per_section),
            (self.upbeat_beats, comparison.meter.upbeat_beats),
        ):
            blocked = spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(blocked)
        self.summary.setText("\n".join(comparison.summary))
        self.tempo_plot.clear()
        self.level_plot.clear()
        self.tempo_plot.addLine(y=1.0, pen=pg.mkPen((150, 150, 150), style=QtCore.Qt.DashLine))
        self._mark_bars(comparison)
        self.highlighted = []
        self.section_labels = []
        for index, section in enumerate(comparison.sections):
            differs = (
                abs(section.tempo_ratio - 1.0) > TEMPO_HIGHLIGHT
                or abs(section.level_difference_db) > LEVEL_HIGHLIGHT_DB
            )
            brush = "#e8743b" if differs else "#4aa3df"
            width = section.reference_end_s - section.reference_start_s
            self.tempo_plot.addItem(
                pg.BarGraphItem(
                    x0=[section.reference_start_s],
                    width=[width * 0.95],
                    y0=[1.0],
                    height=[section.tempo_ratio - 1.0],
                    brush=brush,
                )
            )
            if differs:
                self.highlighted.append(index)
                region = pg.LinearRegionItem(
                    (section.reference_start_s, section.reference_end_s),
                    movable=False,
                    brush=pg.mkBrush(232, 116, 59, 40),
                )
                self.level_plot.addItem(region)
                label = section.bars or section.place.removeprefix("From ")
                self.section_labels.append(label)
                text = pg.TextItem(label, color="#e8743b", anchor=(0, 0))
                text.setPos(section.reference_start_s, max(section.tempo_ratio, 1.0))
                self.tempo_plot.addItem(text)
        reference = comparison.reference_levels
        take = comparison.take_levels
        reference_time = np.arange(reference.rms_db.size) * reference.frame_s
        reference_db = np.maximum(reference.rms_db, LEVEL_FLOOR_DB)
        self.level_plot.plot(reference_time, reference_db, pen="#4aa3df", name="reference")
        take_time = np.arange(take.rms_db.size) * take.frame_s
        # The take's loudness drawn at the reference moments it plays: side by side in the music.
        take_on_reference = np.interp(
            comparison.alignment.take_time_at(reference_time), take_time, take.rms_db
        )
        take_db = np.maximum(take_on_reference, LEVEL_FLOOR_DB)
        self.level_plot.plot(reference_time, take_db, pen="#e8743b", name="take")
        self.timeline_plot.clear()
        self.timeline_labels, self.timeline_texts = {}, []
        if reference_analysis is not None and take_analysis is not None:
            self._show_timelines(comparison, reference_analysis, take_analysis)

    def _meter_changed(self) -> None:
        if self.comparison is not None:
            self.show_comparison(with_meter(self.comparison, self.meter()), *self._analyses)

    def _mark_bars(self, comparison: TakeComparison) -> None:
        """Tick every bar of the reference, and name the first bar of each section; clock
        time when the reference has no steady beat."""
        bars_s = comparison.bar_starts_s
        every = comparison.meter.bars_per_section
        self.bar_ticks = [
            (float(t), f"bar {i + 1}") for i, t in enumerate(bars_s) if i % every == 0
        ]
        unnamed = [(float(t), "") for i, t in enumerate(bars_s) if i % every != 0]
        ticks = [self.bar_ticks, unnamed] if bars_s.size else None
        for plot in (self.tempo_plot, self.level_plot, self.timeline_plot):
            plot.getAxis("bottom").setTicks(ticks)
        if bars_s.size:
            self.level_plot.setLabel("bottom", "reference, in bars", units=None)
        else:
            self.level_plot.setLabel("bottom", "reference time", units="s")

    def _show_timelines(
        self, comparison: TakeComparison, reference: Analysis, take: Analysis
    ) -> None:
        """Form and intensity bands of both takes, the take's drawn at the reference moments
        it plays, so a difference in the music lines up vertically."""
        alignment = comparison.alignment
        for row, name in enumerate(TIMELINE_ROWS):
            who, head = name.split(" ")
            analysis = reference if who == "reference" else take
            starts = np.array([s.start_s for s in analysis.segments])
            ends = np.array([s.end_s for s in analysis.segments])
            if who == "take":  # take time -> reference time (the alignment is monotonic)
                starts = np.interp(starts, alignment.take_time_s, alignment.reference_time_s)
                ends = np.interp(ends, alignment.take_time_s, alignment.reference_time_s)
            labels = [segment_label(segment, head) for segment in analysis.segments]
            self.timeline_labels[name] = labels
            y = len(TIMELINE_ROWS) - 1 - row
            self.timeline_plot.addItem(
                pg.BarGraphItem(
                    x0=starts,
                    width=np.maximum(ends - starts, 1e-3),
                    y0=np.full(starts.size, y + 0.05),
                    height=np.full(starts.size, 0.9),
                    brushes=[pg.mkBrush(*label_rgb(head, label)) for label in labels],
                    pen=pg.mkPen(None),
                )
            )
            for text in band_names(labels, starts, y + 0.5):  # the bands say what they are
                self.timeline_plot.addItem(text, ignoreBounds=True)
                self.timeline_texts.append(text.toPlainText())


def _spin(minimum: int, maximum: int, value: int, tip: str) -> QtWidgets.QSpinBox:
    spin = QtWidgets.QSpinBox()
    spin.setRange(minimum, maximum)
    spin.setValue(value)
    spin.setToolTip(tip)
    return spin
