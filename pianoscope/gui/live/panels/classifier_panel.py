"""Classifier panel: piano, playing form and intensity with probability bars, and a history strip.

The strip shows the last minute, one column per prediction and one row per head, coloured by
the winning label; silence is dark grey and `unknown` (not one of the four pianos) is black.
With one enrolled piano, `unknown` reads "another piano".
"""

from __future__ import annotations

import numpy as np

from pianoscope.app.live.classifier_worker import HISTORY_S, TimedPrediction
from pianoscope.gui.live.live_plot import cache_axes
from pianoscope.gui.qt import QtCore, QtWidgets, pg
from pianoscope.model.labels import ANOTHER_PIANO, UNKNOWN

HEADS = ("piano", "form", "intensity")
# Colour-blind-friendly palette (Okabe-Ito), one colour per label index.
PALETTE = np.array(
    [(230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178)], np.uint8
)
SILENCE_RGB = (70, 70, 70)
UNKNOWN_RGB = (0, 0, 0)


class ClassifierPanel(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QtWidgets.QVBoxLayout(self)
        self.state_label = QtWidgets.QLabel("classifier starting…")
        self.state_label.setStyleSheet("font-weight:bold;")
        layout.addWidget(self.state_label)
        grid = QtWidgets.QGridLayout()
        self.head_labels: dict[str, QtWidgets.QLabel] = {}
        self.bars: dict[str, list[QtWidgets.QProgressBar]] = {}
        self._bar_rows: dict[str, QtWidgets.QVBoxLayout] = {}
        for row, head in enumerate(HEADS):
            title = QtWidgets.QLabel(head.capitalize())
            value = QtWidgets.QLabel("–")
            value.setStyleSheet("font-size:15px;")
            bars = QtWidgets.QVBoxLayout()
            bars.setSpacing(1)
            grid.addWidget(title, row, 0, QtCore.Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1, QtCore.Qt.AlignmentFlag.AlignTop)
            grid.addLayout(bars, row, 2)
            self.head_labels[head] = value
            self.bars[head] = []
            self._bar_rows[head] = bars
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.history_plot = pg.PlotWidget()
        self.history_plot.setFixedHeight(90)
        self.history_plot.setMouseEnabled(x=False, y=False)
        self.history_plot.hideButtons()
        self.history_plot.getAxis("left").setTicks([[(i + 0.5, h) for i, h in enumerate(HEADS)]])
        self.history_plot.setLabel("bottom", "seconds ago")
        self.history_image = pg.ImageItem()
        self.history_plot.addItem(self.history_image)
        self.history_plot.setXRange(-HISTORY_S, 0, padding=0)
        self.history_plot.setYRange(0, len(HEADS), padding=0)
        cache_axes(self.history_plot)
        layout.addWidget(self.history_plot)
        self._shown_time_s: float | None = None

    def show_problem(self, message: str) -> None:
        self.state_label.setText(message)

    def is_showing(self, timed: TimedPrediction) -> bool:
        return timed.time_s == self._shown_time_s

    def show_prediction(self, timed: TimedPrediction, history: tuple[TimedPrediction, ...]) -> None:
        """Draw the newest prediction and the history strip."""
        self._shown_time_s = timed.time_s
        prediction = timed.prediction
        if prediction.is_silent:
            self.state_label.setText("No piano playing")
        elif prediction.is_unknown and ANOTHER_PIANO in prediction.piano.labels:
            self.state_label.setText(
                f"Another piano, not {prediction.piano.labels[0]} "
                f"(score {prediction.unknown_score:.2f})"
            )
        elif prediction.is_unknown:
            self.state_label.setText(
                f"Not one of the known pianos (unknown, score {prediction.unknown_score:.2f})"
            )
        else:
            self.state_label.setText("Piano playing")
        for head in HEADS:
            probabilities = getattr(prediction, head)
            label = getattr(prediction, f"{head}_label")
            if label == UNKNOWN and ANOTHER_PIANO in probabilities.labels:
                label = ANOTHER_PIANO
            self.head_labels[head].setText(
                "–" if label is None else f"{label}  {probabilities.probability:.0%}"
            )
            self._show_bars(head, probabilities.labels, probabilities.probabilities)
        self._show_history(history, timed.time_s)

    def _show_bars(self, head: str, labels: tuple[str, ...], values: tuple[float, ...]) -> None:
        """One bar per label; bars beyond the labels (after a change of pianos) are hidden."""
        bars = self.bars[head]
        while len(bars) < len(labels):
            bar = QtWidgets.QProgressBar()
            bar.setRange(0, 100)
            bar.setMaximumHeight(14)
            bar.setTextVisible(True)
            self._bar_rows[head].addWidget(bar)
            bars.append(bar)
        for index, bar in enumerate(bars):
            bar.setVisible(index < len(labels))
            if index < len(labels):
                bar.setValue(round(100 * values[index]))
                bar.setFormat(f"{labels[index]} %p%")

    def _show_history(self, history: tuple[TimedPrediction, ...], now_s: float) -> None:
        if not history:
            return
        rgb = np.zeros((len(HEADS), len(history), 3), np.uint8)
        for column, timed in enumerate(history):
            prediction = timed.prediction
            for row, head in enumerate(HEADS):
                label = getattr(prediction, f"{head}_label")
                if prediction.is_silent:
                    rgb[row, column] = SILENCE_RGB
                elif label is None or label == "unknown":
                    rgb[row, column] = UNKNOWN_RGB
                else:
                    index = getattr(prediction, head).labels.index(label)
                    rgb[row, column] = PALETTE[index % len(PALETTE)]
        self.history_image.setImage(rgb, autoLevels=False)
        start_s = history[0].time_s - now_s
        width_s = max(history[-1].time_s - history[0].time_s, 0.25)
        self.history_image.setRect(QtCore.QRectF(start_s, 0, width_s, len(HEADS)))
