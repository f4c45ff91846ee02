"""Classifier predictions become the analysis contract's segment labels."""

from __future__ import annotations

import numpy as np

from pianoscope.analysis.result import SegmentLabels
from pianoscope.app.segment_labeller import (
    classifier_labeller,
    labels_from_prediction,
    user_labeller,
)
from pianoscope.model.inference import HeadProbabilities, Prediction
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, PIANO_LABELS


def prediction(*, silent=False, unknown=False) -> Prediction:
    return Prediction(
        piano=HeadProbabilities(PIANO_LABELS, (0.1, 0.7, 0.1, 0.1)),
        form=HeadProbabilities(FORM_LABELS, (0.1, 0.1, 0.8, 0.0)),
        intensity=HeadProbabilities(INTENSITY_LABELS, (0.0, 0.0, 0.1, 0.6, 0.3)),
        unknown_score=0.9 if unknown else 0.05,
        is_unknown=unknown,
        is_silent=silent,
        level_db=-3.0,
    )


def test_a_known_piano_gets_all_three_labels_with_probabilities():
    labels = labels_from_prediction(prediction())
    assert labels is not None
    assert (labels.piano.label, labels.form.label, labels.intensity.label) == (
        "grand-musescore",
        "chords",
        "f",
    )
    assert labels.form.p == 0.8


def test_unknown_keeps_its_score_and_silence_has_no_labels():
    unknown = labels_from_prediction(prediction(unknown=True))
    assert unknown == SegmentLabels(unknown.piano, None, None)
    assert unknown.piano.label == "unknown" and unknown.piano.p == 0.9
    assert labels_from_prediction(prediction(silent=True)) is None


def test_labeller_hands_the_classifier_audio_at_its_rate():
    seen = []

    class Recorder:
        def predict(self, audio):
            seen.append(audio.size)
            return prediction()

    label = classifier_labeller(Recorder())
    assert label(np.zeros(48_000, np.float32), 48_000).piano.label == "grand-musescore"
    assert seen == [44_100]


def test_user_labeller_is_a_labeller_or_none_never_an_exception():
    labeller = user_labeller()
    assert labeller is None or callable(labeller)
