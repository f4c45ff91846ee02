"""Enrolment: a new piano head for the teacher's own pianos, its file, and its classifier."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from support.enrolment_renders import OWN_PIANOS, rendered
from support.networks import biased_network

from pianoscope.errors import EnrolmentError
from pianoscope.model.enrolled import EnrolledClassifier, load_enrolment, save_enrolment
from pianoscope.model.enrolment import (
    Enrolment,
    enrol,
    split_by_time,
    trunk_fingerprint,
    validate_names,
)
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier
from pianoscope.model.labels import PIANO_LABELS
from pianoscope.model.network import PianoscopeNet
from pianoscope.model.training.render import FLUIDR3, Instrument
from pianoscope.model.weights import LoadedWeights, load_weights
from pianoscope.progress import Cancelled, CancelToken
from pianoscope.resources_path import resource_path

SAMPLE_RATE_HZ = 44_100
HOP_S = 0.5


def _tones(seed: int, seconds: float, harmonics: int) -> np.ndarray:
    """Random notes of `harmonics` partials: a cheap stand-in for a piano's timbre."""
    rng = np.random.default_rng(seed)
    notes = []
    for _ in range(int(seconds / 0.5)):
        f0_hz = 110.0 * 2 ** (rng.integers(0, 24) / 12)
        t = np.arange(int(0.5 * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
        note = sum(np.sin(2 * np.pi * k * f0_hz * t) / k for k in range(1, harmonics + 1))
        notes.append(0.1 * note * np.exp(-3.0 * t))
    return np.concatenate(notes).astype(np.float32)


@pytest.fixture(scope="module")
def random_network() -> PianoscopeNet:
    torch.manual_seed(0)
    return PianoscopeNet().eval()


@pytest.fixture(scope="module")
def tone_enrolment(random_network: PianoscopeNet) -> Enrolment:
    recordings = {"Bright": [_tones(1, 40.0, 8)], "Mellow": [_tones(2, 40.0, 1)]}
    return enrol(recordings, random_network)


def test_validation_part_is_the_end_of_each_piano_by_time() -> None:
    first, second = np.arange(600, dtype=np.float32), np.arange(400, dtype=np.float32) + 600
    train, validation = split_by_time([first, second], validation_share=0.2)
    assert [part.size for part in train] == [600, 200]
    assert [part.size for part in validation] == [200]
    assert validation[0][0] == 800 and train[1][-1] == 799  # no sample on both sides


@pytest.mark.parametrize(
    "names",
    [[], [f"Piano {i}" for i in range(9)], ["Home", ""], ["Home", "home"], ["A", "\x00"]],
)
def test_bad_piano_names_are_refused(names: list[str]) -> None:
    with pytest.raises(EnrolmentError):
        validate_names(names)


def test_too_little_audio_is_refused_with_the_pianos_name(random_network: PianoscopeNet) -> None:
    with pytest.raises(EnrolmentError, match="Short one"):
        enrol({"Long": [_tones(1, 40.0, 8)], "Short one": [_tones(2, 5.0, 1)]}, random_network)


def test_enrolment_can_be_cancelled(random_network: PianoscopeNet) -> None:
    token = CancelToken()
    fractions: list[float] = []

    def progress(fraction: float) -> None:
        fractions.append(fraction)
        if fraction > 0.2:
            token.cancel()

    recordings = {"Bright": [_tones(1, 40.0, 8)], "Mellow": [_tones(2, 40.0, 1)]}
    with pytest.raises(Cancelled):
        enrol(recordings, random_network, progress=progress, cancel=token)
    assert fractions and max(fractions) < 1.0


def test_enrolment_file_round_trips(tone_enrolment: Enrolment, tmp_path: Path) -> None:
    path = save_enrolment(tmp_path / "own.enrolment.pt", tone_enrolment)
    loaded = load_enrolment(path)
    assert loaded.names == ("Bright", "Mellow")
    assert torch.equal(loaded.head_weight, tone_enrolment.head_weight)
    assert loaded.trunk == tone_enrolment.trunk
    assert loaded.validation_accuracy == pytest.approx(tone_enrolment.validation_accuracy)
    assert not list(tmp_path.glob("*.partial"))


def _payload(enrolment: Enrolment, tmp_path: Path) -> dict:
    path = save_enrolment(tmp_path / "good.enrolment.pt", enrolment)
    return torch.load(path, weights_only=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.update(format=99), "another version"),
        (lambda p: p.update(kind="something else"), "not a Pianoscope enrolment"),
        (lambda p: p.update(names='["Only one"]'), "damaged"),
        (lambda p: p.update(names='["A", ""]'), "damaged"),
        (lambda p: p.update(names="not json"), "damaged"),
        (lambda p: p.update(names='{"a": 1}'), "damaged"),
        (lambda p: p.update(head_weight=torch.zeros(2, 5)), "damaged"),
        (lambda p: p.update(head_bias=torch.zeros(3)), "damaged"),
        (lambda p: p.update(centroids=p["centroids"] * float("nan")), "damaged"),
        (lambda p: p.update(summary_scale=torch.zeros_like(p["summary_scale"])), "damaged"),
        (lambda p: p.update(unknown_distance="far"), "damaged"),
        (lambda p: p.pop("trunk"), "damaged"),
    ],
)
def test_bad_enrolment_files_are_refused_clearly(
    tone_enrolment: Enrolment, tmp_path: Path, change, message: str
) -> None:
    payload = _payload(tone_enrolment, tmp_path)
    change(payload)
    path = tmp_path / "bad.enrolment.pt"
    torch.save(payload, path)
    with pytest.raises(EnrolmentError, match=message):
        load_enrolment(path)


def test_foreign_and_damaged_files_are_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.enrolment.pt"
    garbage.write_bytes(b"\x00not a torch file" * 10)
    with pytest.raises(EnrolmentError, match="damaged"):
        load_enrolment(garbage)
    with pytest.raises(EnrolmentError, match="missing"):
        load_enrolment(tmp_path / "nowhere.enrolment.pt")
    code = tmp_path / "code.enrolment.pt"
    code.write_bytes(pickle.dumps(Path("/tmp")))  # an object, not plain data
    with pytest.raises(EnrolmentError, match="damaged"):
        load_enrolment(code)
    with pytest.raises(EnrolmentError, match="not a Pianoscope enrolment"):
        load_enrolment(resource_path("classifier.pt"))


def test_enrolment_for_another_trunk_asks_to_enrol_again(tone_enrolment: Enrolment) -> None:
    torch.manual_seed(1)
    other = LoadedWeights(PianoscopeNet().eval(), 0.5, {})
    with pytest.raises(EnrolmentError, match="enrol the pianos again"):
        EnrolledClassifier(tone_enrolment, other)


def test_enrolled_classifier_reports_the_teachers_names(
    tone_enrolment: Enrolment, random_network: PianoscopeNet
) -> None:
    classifier = EnrolledClassifier(tone_enrolment, LoadedWeights(random_network, 0.5, {}))
    prediction = classifier.predict(_tones(3, 3.0, 8))
    assert prediction.piano.labels == ("Bright", "Mellow")
    assert sum(prediction.piano.probabilities) == pytest.approx(1.0, abs=1e-5)
    assert prediction.form.label is not None
    silent = classifier.predict(np.zeros(WINDOW_SAMPLES, dtype=np.float32))
    assert silent.is_silent and silent.piano_label is None
    short = classifier.predict(np.zeros(1000, dtype=np.float32))
    assert short.is_silent and short.piano.labels == ("Bright", "Mellow")


@pytest.mark.parametrize("piano_threshold", [0.3, 0.6])
def test_enrolled_pianos_are_heard_where_the_shipped_weights_hear_a_piano(
    tone_enrolment: Enrolment, piano_threshold: float
) -> None:
    """Whether a piano plays is decided at the threshold the weights were saved with (the
    shipped ones: 0.16), never at a default of the enrolment's own."""
    network = biased_network(plays_piano=float(np.log(0.45 / 0.55)), known=0.0)  # P(piano) 0.45
    weights = LoadedWeights(network, 0.5, {}, piano_threshold=piano_threshold)
    enrolment = replace(tone_enrolment, trunk=trunk_fingerprint(network))
    window = _tones(3, 3.0, 8)
    enrolled = EnrolledClassifier(enrolment, weights).predict(window)
    shipped = Classifier.from_network(network, 0.5, piano_threshold=piano_threshold)
    assert enrolled.instrument.probabilities[0] == pytest.approx(0.45, abs=1e-4)
    assert enrolled.is_other == shipped.predict(window).is_other == (piano_threshold > 0.45)


def _window_labels(classifier: EnrolledClassifier, audio: np.ndarray) -> list[str | None]:
    hop = int(HOP_S * SAMPLE_RATE_HZ)
    starts = range(0, audio.size - WINDOW_SAMPLES + 1, hop)
    predictions = [classifier.predict(audio[s : s + WINDOW_SAMPLES]) for s in starts]
    return [p.piano_label for p in predictions if not p.is_silent]


@pytest.mark.fluidsynth
def test_two_unseen_pianos_are_told_apart_on_new_renderings() -> None:
    """The issue's acceptance test: enrol 90 s each, judge 90 s of other music, >= 90 %."""
    torch.set_num_threads(1)
    recordings = {name: [rendered(piano, seed=1)] for name, piano in OWN_PIANOS.items()}
    loaded = load_weights(resource_path("classifier.pt"))
    enrolment = enrol(recordings, loaded.network)  # how long it takes: bench/bench_enrolment.py
    classifier = EnrolledClassifier(enrolment, load_weights(resource_path("classifier.pt")))
    correct, total, unknown = 0, 0, 0
    for name, piano in OWN_PIANOS.items():
        labels = _window_labels(classifier, rendered(piano, seed=2))
        piano_correct = sum(label == name for label in labels)
        unknown += sum(label == "unknown" for label in labels)
        print(f"{name}: {piano_correct}/{len(labels)} windows right")
        correct, total = correct + piano_correct, total + len(labels)
    accuracy = correct / total
    print(
        f"enrolment validation accuracy {enrolment.validation_accuracy:.1%}; new renderings "
        f"{accuracy:.1%} of {total} windows ({unknown} unknown)"
    )
    assert enrolment.validation_accuracy >= 0.9
    assert accuracy >= 0.9


@pytest.mark.fluidsynth
def test_an_organ_is_not_taken_for_an_enrolled_piano() -> None:
    """Heard as no piano (the shipped instrument head) or as another piano (this test asked
    the four-piano weights, which had no instrument head, for `unknown` in a quarter of its
    windows only)."""
    recordings = {name: [rendered(piano, seed=1)] for name, piano in OWN_PIANOS.items()}
    enrolment = enrol(recordings, load_weights(resource_path("classifier.pt")).network)
    classifier = EnrolledClassifier(enrolment, load_weights(resource_path("classifier.pt")))
    labels = _window_labels(classifier, rendered(Instrument(FLUIDR3, 19), seed=2, seconds=30.0))
    named = sum(label in OWN_PIANOS for label in labels) / len(labels)
    print(
        f"church organ: {labels.count(None)} windows no piano, {labels.count('unknown')} "
        f"another piano, {named:.0%} named an enrolled piano, of {len(labels)}"
    )
    assert named <= 0.1


def test_shipped_classifier_is_unchanged_by_enrolment(tone_enrolment: Enrolment) -> None:
    prediction = Classifier().predict(_tones(3, 3.0, 8))
    assert prediction.piano.labels == PIANO_LABELS
