from dataclasses import replace

import numpy as np
import pytest

from pianoscope.dsp.notes import NoteEvent
from pianoscope.model.labels import FORM_LABELS
from pianoscope.model.training.midi_gen import generate_phrase
from pianoscope.transcription.form import (
    FORM_FEATURE_NAMES,
    NoteFormModel,
    fit_form_model,
    form_features,
    note_form,
    shipped_form_model,
)

WINDOW_S = 2.0


def _feature(notes: list[NoteEvent], name: str) -> float:
    return float(form_features(notes, WINDOW_S)[FORM_FEATURE_NAMES.index(name)])


def _notes(*rows: tuple[float, float, int]) -> list[NoteEvent]:
    return [NoteEvent(onset, offset, midi, 64, 1.0) for onset, offset, midi in rows]


def _phrase_notes(form: str, seed: int) -> list[NoteEvent]:
    """The notes a generated phrase plays in its first two seconds, as if read perfectly."""
    phrase = generate_phrase(np.random.default_rng(seed), form, "mf", duration_s=WINDOW_S)
    return [
        NoteEvent(n.start_s, n.start_s + n.duration_s, n.pitch, n.velocity, 1.0)
        for n in phrase.notes
    ]


def test_block_chords_are_groups_of_notes_struck_together() -> None:
    chords = _notes(
        *[
            (t + d, t + 0.4, p)
            for t in (0.0, 0.5, 1.0)
            for d, p in ((0.0, 60), (0.01, 64), (0.02, 67))
        ]
    )
    assert _feature(chords, "share of groups of 3 notes or more") == 1.0
    assert _feature(chords, "mean notes per group") == 3.0
    assert _feature(chords, "onset groups per second") == 1.5


def test_staccato_leaves_silence_and_legato_overlaps() -> None:
    staccato = _notes(*[(0.25 * i, 0.25 * i + 0.05, 60 + i % 3) for i in range(8)])
    legato = _notes(*[(0.25 * i, 0.25 * i + 0.3, 60 + i % 3) for i in range(8)])
    assert _feature(staccato, "share of the span with no note sounding") > 0.6
    assert _feature(legato, "share of the span with no note sounding") == 0.0
    assert _feature(staccato, "median overlap into the next group (s)") == pytest.approx(-0.2)
    assert _feature(legato, "median overlap into the next group (s)") == pytest.approx(0.05)
    assert _feature(legato, "share of steps of 1-2 semitones") == 1.0


def test_an_arpeggio_cycles_through_chord_tones_and_a_scale_wanders() -> None:
    """C-E-G-C' up and down, evenly spaced and held on, against a C major scale whose notes
    are one, two or half a beat apart, each held just past the next onset."""
    arpeggio = _notes(*[(0.2 * i, 1.9, (60, 64, 67, 72, 67, 64)[i % 6]) for i in range(9)])
    scale_starts = (0.0, 0.25, 0.5, 1.0, 1.125, 1.25, 1.75)
    scale_ends = (*(t + 0.05 for t in scale_starts[1:]), 2.0)  # each held past the next onset
    scale = _notes(*zip(scale_starts, scale_ends, (60, 62, 64, 65, 67, 69, 71), strict=True))
    three_classes = "share of notes on the three commonest pitch classes"
    assert _feature(arpeggio, three_classes) == 1.0
    assert _feature(scale, three_classes) == pytest.approx(3 / 7)
    assert _feature(arpeggio, "share of notes re-striking a pitch struck before") == pytest.approx(
        5 / 9
    )
    assert _feature(scale, "share of notes re-striking a pitch struck before") == 0.0
    assert _feature(arpeggio, "share of intervals of 3-4 semitones, note to note") == 0.75
    assert _feature(arpeggio, "share of intervals of 5 or 7-9 semitones, note to note") == 0.25
    assert _feature(arpeggio, "onset group spacing: standard deviation / mean") == pytest.approx(
        0.0, abs=1e-9
    )
    assert _feature(scale, "onset group spacing: standard deviation / mean") > 0.3
    assert _feature(arpeggio, "most notes sounding") == 9.0
    assert _feature(scale, "most notes sounding") == 2.0


def test_fewer_than_two_notes_say_nothing_about_form() -> None:
    assert form_features(_notes((0.0, 1.0, 60)), WINDOW_S) is None
    assert note_form([], WINDOW_S) is None


def test_the_shipped_model_reads_each_form_from_the_notes_that_play_it() -> None:
    """Trained on what the note network reads in rooms, the model reads the phrases of every
    form right from their exact notes (a weaker model or broken features fail this)."""
    model = shipped_form_model()
    for form in FORM_LABELS:
        read = [
            FORM_LABELS[int(np.argmax(note_form(_phrase_notes(form, seed), WINDOW_S, model)))]
            for seed in range(40)
        ]
        assert read.count(form) >= 34, (form, read)


def test_fitting_is_deterministic_and_separates_what_is_separable(tmp_path) -> None:
    rng = np.random.default_rng(0)
    forms = np.repeat(np.arange(len(FORM_LABELS)), 30)
    features = rng.normal(size=(forms.size, len(FORM_FEATURE_NAMES)))
    features[:, 0] += 8.0 * forms  # one feature tells the forms apart
    model = fit_form_model(features, forms)
    again = fit_form_model(features, forms)
    for name in ("hidden_weights", "hidden_bias", "output_weights", "output_bias"):
        assert np.array_equal(getattr(model, name), getattr(again, name))
    assert np.mean(model.probabilities(features).argmax(axis=1) == forms) > 0.95
    replace(model, head_weight=2.0).save(tmp_path / "form.npz")
    loaded = NoteFormModel.load(tmp_path / "form.npz")
    assert np.array_equal(loaded.probabilities(features), model.probabilities(features))
    assert loaded.head_weight == 2.0


def test_what_one_trait_says_may_depend_on_another() -> None:
    """Two of the forms differ in whether two traits agree in sign (an exclusive or, which no
    sum of one vote per trait can tell: a logistic regression reads such data about half
    right): the hidden layer learns it."""
    rng = np.random.default_rng(1)
    features = rng.normal(size=(800, 3))
    forms = 2 * ((features[:, 0] > 0) ^ (features[:, 1] > 0)) + (features[:, 2] > 0)
    model = fit_form_model(features[:600], forms[:600])
    read = model.probabilities(features[600:]).argmax(axis=1)
    assert np.mean(read == forms[600:]) > 0.9


def test_the_logistic_regression_shipped_before_is_refused_with_how_to_rebuild(tmp_path) -> None:
    path = tmp_path / "form.npz"
    features = len(FORM_FEATURE_NAMES)
    np.savez(
        path,
        feature_names=np.array(FORM_FEATURE_NAMES),
        form_labels=np.array(FORM_LABELS),
        mean=np.zeros(features),
        scale=np.ones(features),
        weights=np.zeros((features, 4)),
        bias=np.zeros(4),
        head_weight=np.float64(1.0),
    )
    with pytest.raises(ValueError, match=r"older form model.*form_train"):
        NoteFormModel.load(path)


def test_a_model_made_for_other_features_is_refused(tmp_path) -> None:
    path = tmp_path / "form.npz"
    np.savez(
        path,
        feature_names=np.array(["pitch"]),
        form_labels=np.array(FORM_LABELS),
        mean=np.zeros(1),
        scale=np.ones(1),
        weights=np.zeros((1, 4)),
        bias=np.zeros(4),
    )
    with pytest.raises(ValueError, match="other form features"):
        NoteFormModel.load(path)
