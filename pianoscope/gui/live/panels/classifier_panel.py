"""Classifier panel: is a piano playing, which piano, playing form and intensity with
probability bars, and a history strip.

Form and intensity are shown whenever a piano plays, one of the known pianos or another piano.
The strip shows the last minute, one column per prediction and one row per question, coloured
by the winning label; silence is dark grey, another piano black and a sound that is not a piano
(another instrument, speech, noise) dark red.
With one enrolled piano, the headline names it: "Another piano, not Studio Yamaha".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pianoscope.app.live.classifier_worker import HISTORY_S, TimedPrediction
from pianoscope.gui.live.live_plot import cache_axes
from pianoscope.gui.live.panels.probability_bars import ProbabilityBars
from pianoscope.gui.qt import QtCore, QtWidgets, pg
from pianoscope.gui.text_line import TextLine
from pianoscope.model.labels import ANOTHER_PIANO, UNKNOWN

if TYPE_CHECKING:
    from pianoscope.model.inference import Prediction

HEADS = ("instrument", "piano", "form", "intensity")
TITLES = {"instrument": "Playing", "piano": "Piano", "form": "Form", "intensity": "Intensity"}
# Colour-blind-friendly palette (Okabe-Ito), one colour per label index.
PALETTE = np.array(
    [(230, 159, 0), (86, 180, 233), (0, 158, 115), (240, 228, 66), (0, 114, 178)], np.uint8
)
SILENCE_RGB = (70, 70, 70)
UNKNOWN_RGB = (0, 0, 0)
OTHER_RGB = (120, 30, 30)
# Samples of the longest texts: the width the headline and the answers ask for.
_WIDEST_STATE = "Another piano, not one of the known pianos (score 0.00)"
_WIDEST_VALUE = "another piano  100%"


class ClassifierPanel(QtWidgets.QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QtWidgets.QVBoxLayout(self)
        self.state_label = TextLine("classifier starting…", widest=_WIDEST_STATE)
        bold = self.state_label.font()
        bold.setBold(True)
        self.state_label.setFont(bold)
        layout.addWidget(self.state_label)
        grid = QtWidgets.QGridLayout()
        self.head_labels: dict[str, TextLine] = {}
        self.bars: dict[str, ProbabilityBars] = {}
        for row, head in enumerate(HEADS):
            title = QtWidgets.QLabel(TITLES[head])
            value = TextLine("–", widest=_WIDEST_VALUE)
            larger = value.font()
            larger.setPixelSize(15)
            value.setFont(larger)
            bars = ProbabilityBars()
            grid.addWidget(title, row, 0, QtCore.Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1, QtCore.Qt.AlignmentFlag.AlignTop)
            grid.addWidget(bars, row, 2)
            self.head_labels[head] = value
            self.bars[head] = bars
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.history_plot = pg.PlotWidget()
        self.history_plot.setFixedHeight(90)
        self.history_plot.setMouseEnabled(x=False, y=False)
        self.history_plot.hideButtons()
        self.history_plot.getAxis("left").setTicks(
            [[(i + 0.5, TITLES[h].lower()) for i, h in enumerate(HEADS)]]
        )
        self.history_plot.setLabel("bottom", "seconds ago")
        self.history_image = pg.ImageItem()
        self.history_plot.addItem(self.history_image)
        self.history_plot.setXRange(-HISTORY_S, 0, padding=0)
        self.history_plot.setYRange(0, len(HEADS), padding=0)
        cache_axes(self.history_plot)
        layout.addWidget(self.history_plot)
        self._shown_time_s: float | None = None
        self._columns: dict[tuple[float, int], np.ndarray] = {}

    def show_problem(self, message: str) -> None:
        self.state_label.setText(message)

    def is_showing(self, timed: TimedPrediction) -> bool:
        return timed.time_s == self._shown_time_s

    def show_prediction(self, timed: TimedPrediction, history: tuple[TimedPrediction, ...]) -> None:
        """Draw the newest prediction and the history strip."""
        self._shown_time_s = timed.time_s
        prediction = timed.prediction
        self.state_label.setText(state_text(prediction))
        for head in HEADS:
            probabilities = getattr(prediction, head)
            self.head_labels[head].setText(_value_text(prediction, head))
            self.bars[head].show_probabilities(probabilities.labels, probabilities.probabilities)
        self._show_history(history, timed.time_s)

    def _show_history(self, history: tuple[TimedPrediction, ...], now_s: float) -> None:
        """The strip of the last minute; each prediction's column is coloured once (colouring
        all of them on every prediction cost 2.5 ms of the GUI thread, measured)."""
        if not history:
            return
        keys = [(timed.time_s, id(timed.prediction)) for timed in history]
        columns = {key: self._columns.get(key) for key in keys}
        for key, timed in zip(keys, history, strict=True):
            if columns[key] is None:
                columns[key] = history_column(timed.prediction)
        self._columns = columns  # the history's own columns only: older ones are dropped
        rgb = np.stack([columns[key] for key in keys], axis=1)
        self.history_image.setImage(rgb, autoLevels=False)
        start_s = history[0].time_s - now_s
        width_s = max(history[-1].time_s - history[0].time_s, 0.25)
        self.history_image.setRect(QtCore.QRectF(start_s, 0, width_s, len(HEADS)))


def history_column(prediction: Prediction) -> np.ndarray:
    """One prediction's colours in the history strip, one row per question (heads x RGB)."""
    column = np.zeros((len(HEADS), 3), np.uint8)
    for row, head in enumerate(HEADS):
        label = getattr(prediction, f"{head}_label")
        if prediction.is_silent:
            column[row] = SILENCE_RGB
        elif not prediction.plays_piano:
            column[row] = OTHER_RGB
        elif label == UNKNOWN:
            column[row] = UNKNOWN_RGB
        else:
            index = getattr(prediction, head).labels.index(label)
            column[row] = PALETTE[index % len(PALETTE)]
    return column


def state_text(prediction: Prediction) -> str:
    """The panel's headline: whether a piano plays, and whether it is one the model knows."""
    if prediction.is_silent:
        return "No piano playing"
    if not prediction.plays_piano:
        return (
            "Not a piano: another instrument, speech or noise "
            f"({prediction.instrument_probability:.0%})"
        )
    if prediction.is_unknown and ANOTHER_PIANO in prediction.piano.labels:
        mine = prediction.piano.labels[0]
        return f"Another piano, not {mine} (score {prediction.unknown_score:.2f})"
    if prediction.is_unknown:
        return f"Another piano, not one of the known pianos (score {prediction.unknown_score:.2f})"
    return "Piano playing"


def _value_text(prediction: Prediction, head: str) -> str:
    """A head's answer and its probability, "–" when it has none (form and intensity when no
    piano plays); `unknown` reads "another piano"."""
    if head == "instrument":
        return f"{prediction.instrument_label}  {prediction.instrument_probability:.0%}"
    label = getattr(prediction, f"{head}_label")
    if label is None:
        return "–"
    if label == UNKNOWN:
        return f"another piano  {prediction.unknown_score:.0%}"
    return f"{label}  {getattr(prediction, head).probability:.0%}"
