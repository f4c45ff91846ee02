from dataclasses import replace

import numpy as np
import pytest
from support.networks import biased_network

from pianoscope.model.calibration import calibrate
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier, HeadProbabilities
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS
from pianoscope.model.training.midi_gen import generate_phrase
from pianoscope.model.training.passage_reference import passage_phrases
from pianoscope.model.training.sources import STEINWAY, SampledPiano
from pianoscope.model.training.synth import render_at_convention
from pianoscope.transcription.form import note_form, shipped_form_model
from pianoscope.transcription.intensity import calibrate_passages_with_notes, window_note_intensity
from pianoscope.transcription.note_reading import combined_form, with_note_reading
from pianoscope.transcription.transcriber import played_notes, shipped_weights


def test_another_piano_reads_intensity_from_the_notes_struck_in_the_window() -> None:
    """The Steinway B taken for another piano: its intensity comes from the notes, through its
    three-passage calibration soft for its soft passage and loud for its loud one, whatever the
    head says. Taken for a known piano without the passages, the head's probabilities and the
    notes' are multiplied; with them the notes are read alone too."""
    soft, medium, loud = render_at_convention(SampledPiano(STEINWAY), passage_phrases())
    passages = calibrate_passages_with_notes(soft, medium, loud)
    mf = calibrate(medium)
    another = Classifier.from_network(biased_network(plays_piano=6.0, known=-6.0), 0.5)
    known = Classifier.from_network(biased_network(plays_piano=6.0, known=6.0), 0.5)
    read_labels = []
    for passage in (soft, loud):
        window = passage[:WINDOW_SAMPLES]
        for classifier in (another, known):
            read = with_note_reading(
                classifier.predict(window, calibration=passages), window, passages
            )
            read_labels.append(read.intensity_label)
            from_notes = window_note_intensity(window, passages)
            assert read.intensity.probabilities == from_notes.probabilities
        assert another.predict(window).piano_label == "unknown"
        from_notes = window_note_intensity(window, mf)
        read = with_note_reading(another.predict(window, calibration=mf), window, mf)
        assert read.intensity.probabilities == from_notes.probabilities
        loud_head = HeadProbabilities(INTENSITY_LABELS, (0.01, 0.01, 0.01, 0.01, 0.96))
        head = replace(known.predict(window, calibration=mf), intensity=loud_head)
        product = np.array(loud_head.probabilities) * np.maximum(from_notes.probabilities, 1e-6)
        read = with_note_reading(head, window, mf).intensity.probabilities
        assert read == pytest.approx(tuple(product / product.sum()), rel=1e-9)
        assert read not in (loud_head.probabilities, from_notes.probabilities)
    # soft (p) and loud (f) as both classifiers read them: see test_intensity.py for why the
    # loud passage's first window reads mf
    assert read_labels[0] == read_labels[1] and read_labels[2] == read_labels[3]
    assert read_labels[0] in ("pp", "p") and read_labels[2] in ("mf", "f", "ff")
    assert INTENSITY_LABELS.index(read_labels[2]) > INTENSITY_LABELS.index(read_labels[0])


def test_the_notes_are_read_by_the_note_network_given() -> None:
    """The leave-one-out judge reads a left-out piano's notes with a note network that never
    heard it: a network given in place of the shipped one is the one that reads them (here
    one whose onset threshold and peak judge's threshold no note reaches, so no note is struck
    and the head stays, form and intensity)."""
    _soft, medium, loud = render_at_convention(SampledPiano(STEINWAY), passage_phrases())
    mf = calibrate(medium)
    another = Classifier.from_network(biased_network(plays_piano=6.0, known=-6.0), 0.5)
    window = loud[:WINDOW_SAMPLES]
    head = another.predict(window, calibration=mf)
    deaf = {
        **shipped_weights(),
        "onset_threshold": np.float32(1.5),
        "judge_probability_threshold": np.float64(1.5),
    }
    assert with_note_reading(head, window, mf) != head
    assert with_note_reading(head, window, mf, note_weights=deaf) == head
    assert window_note_intensity(window, mf, note_weights=deaf) is None


def test_every_pianos_form_is_read_from_its_head_and_its_notes_together() -> None:
    """Known piano or not, a window's form is the product of the head's probabilities (to the
    power of the form model's head weight) and the notes' reading: block chords on the
    Steinway B, which the biased heads do not recognise, read as chords; no other sound is
    read at all."""
    phrase = generate_phrase(np.random.default_rng(3), "chords", "mf", duration_s=3.0)
    (audio,) = render_at_convention(SampledPiano(STEINWAY), [phrase])
    window = audio[:WINDOW_SAMPLES]
    notes = played_notes(window, workers=1)  # the notes the reading reads
    from_notes = note_form(notes, WINDOW_SAMPLES / 44_100)
    assert FORM_LABELS[int(np.argmax(from_notes))] == "chords"
    for known in (6.0, -6.0):
        classifier = Classifier.from_network(biased_network(plays_piano=6.0, known=known), 0.5)
        head = classifier.predict(window)
        read = with_note_reading(head, window, None)
        weight = shipped_form_model().head_weight
        assert read.form.probabilities == combined_form(head, from_notes, weight)
        assert read.form_label == "chords"
        assert read.piano == head.piano and read.instrument == head.instrument
    other = Classifier.from_network(biased_network(plays_piano=-6.0, known=-6.0), 0.5)
    assert with_note_reading(other.predict(window), window, None) == other.predict(window)


def test_the_form_product_weighs_the_head_by_its_power() -> None:
    """A head sure of legato against notes sure of chords: with the head's weight below one
    the notes' certainty counts more, and the result is a distribution."""
    from pianoscope.model.inference import Prediction

    head = HeadProbabilities(FORM_LABELS, (0.7, 0.1, 0.1, 0.1))
    uniform = HeadProbabilities(INTENSITY_LABELS, (0.2,) * 5)
    prediction = Prediction(head, head, uniform, 0.0, False, False, 0.0)
    notes = np.array([0.2, 0.05, 0.7, 0.05])
    combined = np.array(combined_form(prediction, notes, 0.25))
    expected = np.array(head.probabilities) ** 0.25 * notes
    assert np.allclose(combined, expected / expected.sum())
    assert np.isclose(combined.sum(), 1.0) and FORM_LABELS[int(np.argmax(combined))] == "chords"
