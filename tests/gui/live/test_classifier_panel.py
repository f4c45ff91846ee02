"""The classifier panel draws what the classifier thread publishes, including silence/unknown."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from support.layout_requests import LayoutRequests, window_with_dock

from pianoscope.app.live.classifier_worker import TimedPrediction
from pianoscope.gui.live.panels.classifier_panel import (
    OTHER_RGB,
    SILENCE_RGB,
    UNKNOWN_RGB,
    ClassifierPanel,
)
from pianoscope.gui.qt import QtWidgets
from pianoscope.model.inference import HeadProbabilities, Prediction
from pianoscope.model.labels import (
    ANOTHER_PIANO,
    FORM_LABELS,
    INSTRUMENT_LABELS,
    INTENSITY_LABELS,
    PIANO_LABELS,
)


def _prediction(
    piano: int, *, silent: bool = False, unknown: bool = False, other: bool = False
) -> Prediction:
    def head(labels, winner):
        values = np.full(len(labels), 0.1 / (len(labels) - 1))
        values[winner] = 0.9
        return HeadProbabilities(labels, tuple(values))

    return Prediction(
        piano=head(PIANO_LABELS, piano),
        form=head(FORM_LABELS, 2),
        intensity=head(INTENSITY_LABELS, 3),
        unknown_score=0.9 if unknown else 0.05,
        is_unknown=unknown,
        is_silent=silent,
        level_db=-3.0,
        instrument=head(INSTRUMENT_LABELS, 1 if other else 0),
        is_other=other,
    )


def test_panel_shows_labels_bars_and_history(qtbot):
    panel = ClassifierPanel()
    qtbot.addWidget(panel)
    history = (
        TimedPrediction(1.0, _prediction(0, silent=True)),
        TimedPrediction(1.25, _prediction(1, unknown=True)),
        TimedPrediction(1.5, _prediction(2)),
    )
    panel.show_prediction(history[-1], history)
    assert panel.state_label.text() == "Piano playing"
    assert panel.head_labels["piano"].text() == f"{PIANO_LABELS[2]}  90%"
    assert panel.head_labels["form"].text() == f"{FORM_LABELS[2]}  90%"
    assert panel.head_labels["intensity"].text() == f"{INTENSITY_LABELS[3]}  90%"
    assert panel.head_labels["instrument"].text() == "piano  90%"
    assert panel.bars["piano"].shown()[2] == (PIANO_LABELS[2], 90)
    image = panel.history_image.image
    assert image.shape == (4, 3, 3)  # instrument, piano, form, intensity
    assert tuple(image[1, 0]) == SILENCE_RGB
    assert tuple(image[1, 1]) == UNKNOWN_RGB
    assert tuple(image[2, 1]) not in (UNKNOWN_RGB, SILENCE_RGB)  # another piano has a form
    assert tuple(image[1, 2]) != UNKNOWN_RGB
    assert panel.is_showing(history[-1])


def test_panel_names_silence_another_piano_and_no_piano(qtbot):
    panel = ClassifierPanel()
    qtbot.addWidget(panel)
    silent = TimedPrediction(2.0, _prediction(0, silent=True))
    panel.show_prediction(silent, (silent,))
    assert panel.state_label.text() == "No piano playing"
    assert panel.head_labels["piano"].text() == "–"
    unknown = TimedPrediction(2.25, _prediction(0, unknown=True))
    panel.show_prediction(unknown, (silent, unknown))
    assert panel.state_label.text().startswith("Another piano")
    assert panel.head_labels["piano"].text() == "another piano  90%"
    assert panel.head_labels["form"].text() == f"{FORM_LABELS[2]}  90%"
    other = TimedPrediction(2.5, _prediction(0, other=True))
    panel.show_prediction(other, (silent, unknown, other))
    assert panel.state_label.text().startswith("Not a piano")
    assert panel.head_labels["instrument"].text() == "other  90%"
    assert [panel.head_labels[h].text() for h in ("piano", "form", "intensity")] == ["–"] * 3
    assert tuple(panel.history_image.image[3, 2]) == OTHER_RGB


def test_bars_follow_a_change_in_the_number_of_pianos(qtbot):
    panel = ClassifierPanel()
    qtbot.addWidget(panel)
    four = TimedPrediction(1.0, _prediction(1))
    panel.show_prediction(four, (four,))
    two_labels = ("Studio", "Hall")
    enrolled = Prediction(
        piano=HeadProbabilities(two_labels, (0.2, 0.8)),
        form=four.prediction.form,
        intensity=four.prediction.intensity,
        unknown_score=0.1,
        is_unknown=False,
        is_silent=False,
        level_db=-3.0,
    )
    timed = TimedPrediction(1.25, enrolled)
    panel.show_prediction(timed, (four, timed))
    assert panel.bars["piano"].shown() == (("Studio", 20), ("Hall", 80))
    assert panel.head_labels["piano"].text() == "Hall  80%"


def test_one_enrolled_piano_reads_another_piano(qtbot):
    panel = ClassifierPanel()
    qtbot.addWidget(panel)
    base = _prediction(0)
    labels = ("Studio Yamaha", ANOTHER_PIANO)
    mine = replace(base, piano=HeadProbabilities(labels, (0.8, 0.2)))
    other = replace(
        base, piano=HeadProbabilities(labels, (0.3, 0.7)), unknown_score=0.7, is_unknown=True
    )
    first, second = TimedPrediction(1.0, mine), TimedPrediction(1.25, other)
    panel.show_prediction(first, (first,))
    assert panel.state_label.text() == "Piano playing"
    assert panel.head_labels["piano"].text() == "Studio Yamaha  80%"
    panel.show_prediction(second, (first, second))
    assert panel.state_label.text().startswith("Another piano, not Studio Yamaha")
    assert panel.head_labels["piano"].text() == "another piano  70%"
    assert panel.bars["piano"].shown() == (("Studio Yamaha", 30), ("another piano", 70))


def test_predictions_never_relay_out_the_window(qtbot):
    """Four predictions a second: each repaints the panel, none re-lays out the main window
    (only the first, which makes the bars appear)."""
    panel = ClassifierPanel()
    first = TimedPrediction(0.0, _prediction(0))
    panel.show_prediction(first, (first,))
    window = window_with_dock(panel)
    qtbot.addWidget(window)
    requests = LayoutRequests(window)
    history = (first,)
    kinds = (
        _prediction(1),
        _prediction(0, silent=True),
        _prediction(2, unknown=True),
        _prediction(3, other=True),
    )
    for index in range(1, 12):
        timed = TimedPrediction(index * 0.25, kinds[index % len(kinds)])
        history = (*history, timed)
        panel.show_prediction(timed, history)
        QtWidgets.QApplication.processEvents()
    assert requests.count == 0
    assert panel.history_image.image.shape == (4, 12, 3)


def test_the_history_strip_keeps_each_predictions_colours_as_it_scrolls(qtbot):
    panel = ClassifierPanel()
    qtbot.addWidget(panel)
    history = tuple(
        TimedPrediction(i * 0.25, _prediction(i % 4, silent=i % 3 == 0)) for i in range(6)
    )
    panel.show_prediction(history[-1], history)
    before = panel.history_image.image.copy()
    newest = TimedPrediction(1.5, _prediction(0, other=True))
    scrolled = (*history[1:], newest)
    panel.show_prediction(newest, scrolled)
    after = panel.history_image.image
    np.testing.assert_array_equal(after[:, :-1], before[:, 1:])
    assert tuple(after[0, -1]) == OTHER_RGB
