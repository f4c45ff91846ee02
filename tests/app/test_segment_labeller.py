"""Classifier predictions become the analysis contract's segment labels."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from support.unseen_pianos import UNSEEN_PIANOS, unseen_playing

from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import SegmentLabels
from pianoscope.app.segment_labeller import (
    classifier_labeller,
    labels_from_prediction,
    user_labeller,
)
from pianoscope.audio.fileio import load_audio
from pianoscope.model.calibration import TAKE_LOUDEST_DB, Calibration
from pianoscope.model.inference import Classifier, HeadProbabilities, Prediction
from pianoscope.model.labels import FORM_LABELS, INSTRUMENT_LABELS, INTENSITY_LABELS, PIANO_LABELS
from pianoscope.model.training.augment import add_reverb
from pianoscope.resources_path import demo_recording_path


def prediction(*, silent=False, unknown=False, other=False) -> Prediction:
    return Prediction(
        piano=HeadProbabilities(PIANO_LABELS, (0.1, 0.7, 0.1, 0.1)),
        form=HeadProbabilities(FORM_LABELS, (0.1, 0.1, 0.8, 0.0)),
        intensity=HeadProbabilities(INTENSITY_LABELS, (0.0, 0.0, 0.1, 0.6, 0.3)),
        unknown_score=0.9 if unknown else 0.05,
        is_unknown=unknown,
        is_silent=silent,
        level_db=-3.0,
        instrument=HeadProbabilities(INSTRUMENT_LABELS, (0.2, 0.8) if other else (0.95, 0.05)),
        is_other=other,
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


def test_another_piano_is_unknown_with_its_score_and_keeps_form_and_intensity():
    unknown = labels_from_prediction(prediction(unknown=True))
    assert unknown.piano.label == "unknown" and unknown.piano.p == 0.9
    assert (unknown.form.label, unknown.intensity.label) == ("chords", "f")
    assert (unknown.instrument.label, unknown.instrument.p) == ("piano", 0.95)


def test_no_piano_playing_has_only_what_plays_instead():
    other = labels_from_prediction(prediction(other=True, unknown=True))
    assert other == SegmentLabels(None, None, None, other.instrument)
    assert (other.instrument.label, other.instrument.p) == ("other", 0.8)
    silent = labels_from_prediction(prediction(silent=True))
    assert silent == SegmentLabels(None, None, None, silent.instrument)
    assert (silent.instrument.label, silent.instrument.p) == ("silence", 1.0)


def test_labeller_hands_the_classifier_audio_at_its_rate_and_the_take_level():
    seen = []

    class Recorder:
        calibration = Calibration()

        def predict(self, audio, *, take_gain_db, calibration=None):
            seen.append((audio.size, take_gain_db))
            return prediction()

    label = classifier_labeller(Recorder())
    assert label(np.zeros(48_000, np.float32), 48_000, -37.5).piano.label == "grand-musescore"
    assert seen == [(44_100, TAKE_LOUDEST_DB + 37.5)]


def test_user_labeller_is_a_labeller_or_none_never_an_exception():
    labeller = user_labeller()
    assert labeller is None or callable(labeller)


def test_piano_form_and_silence_do_not_depend_on_the_gain_and_intensity_reads_it(tmp_path):
    """The demo at x0.01 was all silence (a fixed -60 dBFS floor); at x1 and x100 the shipped
    classifier must name the same piano and form in the same segments, while intensity says
    how loud the recording is (uncalibrated: the training level), never softer when louder."""
    demo = load_audio(demo_recording_path())[: 20 * 44_100]
    labeller = classifier_labeller(Classifier(threads=1))
    runs = {}
    for gain in (0.01, 1.0, 100.0):
        path = tmp_path / f"demo-{gain:g}.wav"
        sf.write(path, demo * np.float32(gain), 44_100, subtype="FLOAT")
        runs[gain] = analyse_file(path, labeller=labeller).segments
    plain = runs[1.0]
    assert all(s.labels is not None for s in plain)
    order = {label: i for i, label in enumerate(INTENSITY_LABELS)}
    for gain, segments in runs.items():
        print(f"\nx{gain:g}:", [(s.labels.piano.label, s.labels.form.label) for s in segments])
        assert [(s.labels.piano.label, s.labels.form.label) for s in segments] == [
            (s.labels.piano.label, s.labels.form.label) for s in plain
        ]
    for quiet, loud in ((0.01, 1.0), (1.0, 100.0)):
        for soft, strong in zip(runs[quiet], runs[loud], strict=True):
            assert order[strong.labels.intensity.label] >= order[soft.labels.intensity.label]
    assert {s.labels.intensity.label for s in runs[100.0]} == {"ff"}


@pytest.mark.fluidsynth
def test_pianos_never_heard_keep_piano_and_form_under_12_db_of_gain(tmp_path):
    """Issue 12: piano identity and form unchanged by +-12 dB of input gain in >= 95 % of
    windows, as the product reads a recording (placed at the training level by its loudest
    100 ms), on the pianos reserved for evaluation, in a room. The network alone, its features
    shifted, changes 10-14 % of known windows (the model card); the placement must undo that."""
    labeller = classifier_labeller(Classifier(threads=1))
    changed = compared = 0
    for seed, name in enumerate(UNSEEN_PIANOS):
        playing = add_reverb(
            unseen_playing(name, seed, 30.0), np.random.default_rng(seed), 0.8, 0.4
        )
        answers = {}
        for gain_db in (-12.0, 0.0, 12.0):
            path = tmp_path / f"{seed}-{gain_db:+g}.wav"
            sf.write(path, playing * np.float32(10 ** (gain_db / 20)), 44_100, subtype="FLOAT")
            answers[gain_db] = [
                _piano_and_form(s.labels) for s in analyse_file(path, labeller=labeller).segments
            ]
        print(f"\n{name}: {answers[0.0]}")
        for gain_db in (-12.0, 12.0):
            changed += sum(a != b for a, b in zip(answers[gain_db], answers[0.0], strict=True))
            compared += len(answers[0.0])
    print(f"{changed} of {compared} windows changed piano or form")
    assert compared >= 80
    assert changed <= 0.05 * compared


def _piano_and_form(labels: SegmentLabels | None) -> tuple[str | None, str | None]:
    """Which piano (None: no piano plays, or silence) and which form a segment was given."""
    if labels is None:
        return None, None
    return (
        labels.piano and labels.piano.label,
        labels.form and labels.form.label,
    )
