"""The shipped weights load safely and classify bundled and freshly rendered clips correctly."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from pianoscope.audio.fileio import load_audio
from pianoscope.dsp.features import SAMPLE_RATE_HZ
from pianoscope.model.calibration import calibrate
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier, Prediction
from pianoscope.model.labels import INTENSITY_LABELS, PIANO_LABELS
from pianoscope.model.training.midi_gen import generate_phrase
from pianoscope.model.training.render import PIANOS, MidiSlot, render_phrases
from pianoscope.model.training.robustness import measure_noise_robustness
from pianoscope.model.training.synth import DatasetSpec, calibration_phrase
from pianoscope.model.weights import MAX_WEIGHTS_BYTES, weights_digest
from pianoscope.resources_path import demo_recording_path, resource_path

# Section boundaries of resources/demo.flac in seconds (scripts/make_demo_recording.py, 96 bpm):
# legato p, staccato mf, block chords f, arpeggios mf.
DEMO_SECTIONS_S = {"legato": (0.0, 6.3), "staccato": (6.4, 10.2), "chords": (10.5, 14.3)}
DEMO_INTENSITY = {"legato": "p", "staccato": "mf", "chords": "f"}


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier()


def _windows(audio: np.ndarray, start_s: float, end_s: float, hop_s: float = 0.25):
    first = int(start_s * SAMPLE_RATE_HZ)
    last = int(end_s * SAMPLE_RATE_HZ) - WINDOW_SAMPLES
    for start in range(first, last + 1, int(hop_s * SAMPLE_RATE_HZ)):
        yield audio[start : start + WINDOW_SAMPLES]


def test_shipped_weights_are_the_ones_the_training_command_trains() -> None:
    """The shipped weights are what `pianoscope train` trains (pinned numerics, the recipe's
    seed): their digest is the one the reproducibility bench records for the recipe, so
    weights nobody can train again are not shipped unnoticed (stop 38's were, until stop 42)."""
    bench = Path(__file__).resolve().parents[2] / "bench" / "bench_reproducible_training.py"
    spec = importlib.util.spec_from_file_location("bench_reproducible_training", bench)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert weights_digest(resource_path("classifier.pt")) == module.RECORDED["weights"]


def test_shipped_weights_are_small_and_load_with_weights_only(classifier: Classifier) -> None:
    assert resource_path("classifier.pt").stat().st_size <= MAX_WEIGHTS_BYTES
    assert 0.0 < classifier.unknown_threshold < 1.0


def test_demo_recording_is_the_fluidr3_grand_with_its_forms_and_dynamics(
    classifier: Classifier,
) -> None:
    """Uncalibrated: the demo is rendered at the training level convention, like an input whose
    calibration is done, so its written dynamics must come out: in at least half of each
    section's windows, and never more than one class off (the shipped weights read the four
    pianos' intensity exactly in about three held-out windows of four: resources/MODEL_CARD.md)."""
    audio = load_audio(demo_recording_path())
    for form, (start_s, end_s) in DEMO_SECTIONS_S.items():
        predictions = [classifier.predict(w) for w in _windows(audio, start_s, end_s)]
        assert predictions
        pianos = [p.piano_label for p in predictions]
        assert pianos.count("grand-fluidr3") >= 0.7 * len(pianos), (form, pianos)
        forms = [p.form.label for p in predictions]
        assert forms.count(form) >= 0.6 * len(forms), (form, forms)
        intensities = [p.intensity.label for p in predictions]
        assert intensities.count(DEMO_INTENSITY[form]) >= 0.5 * len(intensities), intensities
        written = INTENSITY_LABELS.index(DEMO_INTENSITY[form])
        assert all(abs(INTENSITY_LABELS.index(i) - written) <= 1 for i in intensities)


def _rendered_clips(piano: str) -> tuple[np.ndarray, dict[tuple[str, str], np.ndarray]]:
    """The calibration phrase and four new phrases (seed never used in training) of `piano`."""
    instrument = PIANOS[piano]
    wanted = [(form, intensity) for form in ("legato", "chords") for intensity in ("pp", "ff")]
    phrases = [
        generate_phrase(np.random.default_rng([424_242, i]), form, intensity)
        for i, (form, intensity) in enumerate(wanted)
    ]
    slots = [MidiSlot(calibration_phrase(), instrument.program)]
    slots += [MidiSlot(phrase, instrument.program) for phrase in phrases]
    clips = render_phrases(slots, instrument.soundfont)
    return clips[0], dict(zip(wanted, clips[1:], strict=True))


@pytest.mark.fluidsynth
@pytest.mark.parametrize("piano", PIANO_LABELS)
def test_new_clips_of_each_piano_are_recognised_and_ff_is_louder_than_pp(piano: str) -> None:
    calibration_audio, clips = _rendered_clips(piano)
    calibrated = Classifier(calibration=calibrate(calibration_audio))
    predictions: dict[tuple[str, str], Prediction] = {
        key: calibrated.predict(audio[-WINDOW_SAMPLES:]) for key, audio in clips.items()
    }
    assert sum(p.piano_label == piano for p in predictions.values()) >= 3, predictions
    for form in ("legato", "chords"):
        soft = INTENSITY_LABELS.index(predictions[(form, "pp")].intensity.label)
        loud = INTENSITY_LABELS.index(predictions[(form, "ff")].intensity.label)
        assert loud > soft, (form, soft, loud)


@pytest.mark.fluidsynth
def test_noise_robustness_pairs_each_window_with_its_own_labels() -> None:
    """Clips come back grouped by SoundFont, not in plan order; labels must still match."""
    spec = DatasetSpec(
        "test-noise-order",
        seed=9,
        clips_per_class=1,
        negative_clips=0,
        noise_clips=0,
        pianos=("grand-timgm", "honkytonk-fluidr3"),
    )
    result = measure_noise_robustness(Classifier(), snr_db=20.0, spec=spec)
    assert result.windows == 40
    assert result.clean["piano"] >= 0.9
    assert result.noisy["piano"] >= 0.8
