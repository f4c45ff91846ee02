"""One enrolled piano: "my piano" or "another piano", its file, and the shipped other pianos."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from support.one_piano_trials import one_piano_trial
from support.stiff_strings import stiff_string_piano
from support.unseen_pianos import UNSEEN_PIANOS

from pianoscope.errors import EnrolmentError
from pianoscope.model.enrolled import EnrolledClassifier, load_enrolment, save_enrolment
from pianoscope.model.enrolment import enrol, trunk_fingerprint
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier
from pianoscope.model.labels import ANOTHER_PIANO, UNKNOWN
from pianoscope.model.one_piano import fit_one_piano, mine_probability
from pianoscope.model.other_pianos import (
    OtherPianos,
    load_other_pianos,
    other_pianos_path,
    save_other_pianos,
)
from pianoscope.model.weights import LoadedWeights, load_weights
from pianoscope.resources_path import resource_path

WIDTH = 6


def _windows(rng: np.random.Generator, mean: list[float], spread: list[float], n: int):
    return torch.from_numpy(rng.normal(mean, spread, size=(n, WIDTH)).astype(np.float32))


def _others(rng: np.random.Generator) -> OtherPianos:
    """Other pianos whose windows vary a lot along dimension 0 (what music does) and little
    along dimension 1."""
    pianos = [_windows(rng, [0, 5 * k, 0, 0, 0, 0], [4, 0.2, 1, 1, 1, 1], 300) for k in range(3)]
    within = torch.stack([torch.cov(p.T) for p in pianos]).mean(dim=0)
    return OtherPianos(within, torch.cat(pianos)[::3], "trunk", ("a", "b", "c"))


def test_differences_other_pianos_show_music_makes_count_less_than_piano_differences() -> None:
    """The teacher's two minutes show little variation along dimension 0; the other pianos
    show that music moves every piano's windows along it, so a shift there is still the same
    piano, while the same shift along dimension 1 is another piano."""
    rng = np.random.default_rng(0)
    spread = [1, 0.2, 1, 1, 1, 1]
    decision = fit_one_piano(
        _windows(rng, [0] * WIDTH, spread, 400),
        _windows(rng, [0] * WIDTH, spread, 100),
        _others(rng),
    )
    along_music = _windows(rng, [2.5, 0, 0, 0, 0, 0], spread, 200)
    along_pianos = _windows(rng, [0, 2.5, 0, 0, 0, 0], spread, 200)
    mine = _windows(rng, [0] * WIDTH, spread, 200)
    assert float((mine_probability(decision, mine) >= 0.5).float().mean()) >= 0.95
    assert float((mine_probability(decision, along_music) >= 0.5).float().mean()) >= 0.9
    assert float((mine_probability(decision, along_pianos) >= 0.5).float().mean()) <= 0.1
    assert 0.0 <= decision.others_accepted <= 1.0


def test_other_pianos_file_round_trips_and_names_its_trunk(tmp_path: Path) -> None:
    others = _others(np.random.default_rng(1))
    path = save_other_pianos(tmp_path / "classifier-other-pianos.pt", others)
    loaded = load_other_pianos(path, "trunk")
    assert torch.allclose(loaded.within_covariance, others.within_covariance)
    assert loaded.sources == ("a", "b", "c")
    with pytest.raises(EnrolmentError, match="other classifier weights"):
        load_other_pianos(path, "another trunk")
    with pytest.raises(EnrolmentError, match="missing"):
        load_other_pianos(tmp_path / "nowhere.pt", "trunk")
    (tmp_path / "bad.pt").write_bytes(b"not a torch file")
    with pytest.raises(EnrolmentError, match="damaged"):
        load_other_pianos(tmp_path / "bad.pt", "trunk")


def test_shipped_other_pianos_fit_the_shipped_weights() -> None:
    """A retrained classifier must ship other pianos summarised by its own trunk."""
    weights = resource_path("classifier.pt")
    network = load_weights(weights).network
    others = load_other_pianos(other_pianos_path(weights), trunk_fingerprint(network))
    assert len(others.sources) == 9
    assert not any(name.startswith(("sf_GMbank", "FluidR3Mono")) for name in others.sources)


@pytest.fixture(scope="module")
def tone_piano() -> tuple:
    """A one-piano enrolment of synthetic tones on a random trunk, with its other pianos."""
    torch.manual_seed(0)
    network = load_weights(resource_path("classifier.pt")).network
    rng = np.random.default_rng(2)
    t = np.arange(22_050) / 44_100
    notes = [
        0.1 * np.sin(2 * np.pi * 110 * 2 ** (rng.integers(0, 24) / 12) * t) * np.exp(-3 * t)
        for _ in range(100)
    ]
    audio = np.concatenate(notes).astype(np.float32)
    width = network.piano_head.in_features
    others = OtherPianos(torch.eye(width), torch.randn(50, width), trunk_fingerprint(network), ())
    return enrol({"Studio Yamaha": [audio]}, network, others=others), network, audio


def test_one_piano_enrolment_names_it_or_another_piano(tone_piano: tuple) -> None:
    enrolment, network, audio = tone_piano
    assert enrolment.names == ("Studio Yamaha",) and enrolment.one_piano is not None
    classifier = EnrolledClassifier(enrolment, LoadedWeights(network, 0.5, {}))
    assert classifier.piano_labels == ("Studio Yamaha", ANOTHER_PIANO)
    prediction = classifier.predict(audio[-88_064:])
    assert prediction.piano.labels == ("Studio Yamaha", ANOTHER_PIANO)
    assert sum(prediction.piano.probabilities) == pytest.approx(1.0)
    assert prediction.piano.label in ("Studio Yamaha", ANOTHER_PIANO)
    noise = np.random.default_rng(3).normal(0, 0.1, 88_064).astype(np.float32)
    assert classifier.predict(noise).piano.label == ANOTHER_PIANO
    # Whether a piano plays at all stays the shipped instrument head's answer (these sine
    # tones without a hammer are no piano to it): the enrolment only names the piano.
    shipped = Classifier.from_network(network, 0.5)
    for window in (audio[-88_064:], noise):
        named = classifier.predict(window)
        assert named.is_other == shipped.predict(window).is_other
        assert named.piano_label in (("Studio Yamaha", UNKNOWN) if named.plays_piano else (None,))


def test_one_piano_enrolment_file_round_trips(tone_piano: tuple, tmp_path: Path) -> None:
    enrolment, network, audio = tone_piano
    loaded = load_enrolment(save_enrolment(tmp_path / "one.enrolment.pt", enrolment))
    assert loaded.names == ("Studio Yamaha",)
    assert torch.equal(loaded.one_piano.whitening, enrolment.one_piano.whitening)
    assert loaded.one_piano.distance_limit == pytest.approx(enrolment.one_piano.distance_limit)
    assert np.array_equal(
        loaded.one_piano.fingerprint.key_cents,
        enrolment.one_piano.fingerprint.key_cents,
        equal_nan=True,
    )
    assert loaded.one_piano.fingerprint.agreeing_rate == pytest.approx(
        enrolment.one_piano.fingerprint.agreeing_rate
    )
    first = EnrolledClassifier(enrolment, LoadedWeights(network, 0.5, {}))
    again = EnrolledClassifier(loaded, LoadedWeights(network, 0.5, {}))
    window = audio[:88_064]
    assert first.predict(window).piano == again.predict(window).piano


def test_one_piano_enrolments_from_before_the_fingerprint_still_load(
    tone_piano: tuple, tmp_path: Path
) -> None:
    path = save_enrolment(tmp_path / "old.enrolment.pt", tone_piano[0])
    payload = torch.load(path, weights_only=True)
    del payload["one_piano_key_cents"], payload["one_piano_agreeing_rate"]
    torch.save(payload, path)
    loaded = load_enrolment(path)
    assert loaded.one_piano is not None and loaded.one_piano.fingerprint is None
    classifier = EnrolledClassifier(loaded, LoadedWeights(tone_piano[1], 0.5, {}))
    assert classifier.predict(tone_piano[2][:88_064]).piano.labels[1] == ANOTHER_PIANO


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.pop("one_piano_whitening"),
        lambda p: p.update(one_piano_whitening=torch.zeros(3, 3)),
        lambda p: p.update(one_piano_distance_spread=-1.0),
        lambda p: p.update(one_piano_others_accepted=float("nan")),
        lambda p: p.pop("one_piano_agreeing_rate"),
        lambda p: p.update(one_piano_agreeing_rate=1.5),
        lambda p: p.update(one_piano_key_cents=torch.zeros(128, 3)),
        lambda p: p.update(one_piano_key_cents=torch.full((128, 16), float("inf"))),
    ],
)
def test_damaged_one_piano_enrolments_are_refused(
    tone_piano: tuple, tmp_path: Path, change
) -> None:
    path = save_enrolment(tmp_path / "one.enrolment.pt", tone_piano[0])
    payload = torch.load(path, weights_only=True)
    change(payload)
    torch.save(payload, path)
    with pytest.raises(EnrolmentError, match="damaged"):
        load_enrolment(path)


def test_the_strings_tell_apart_pianos_the_trunk_takes_for_one() -> None:
    """Two synthetic pianos alike but for the stiffness of their strings: the trunk's distance
    takes the stiffer one's windows for the enrolled piano, the fingerprint does not."""
    torch.manual_seed(0)
    weights = resource_path("classifier.pt")
    network = load_weights(weights).network
    others = load_other_pianos(other_pianos_path(weights), trunk_fingerprint(network))
    enrolled = stiff_string_piano(inharmonicity_b=3e-4, seed=0)
    stiffer = stiff_string_piano(inharmonicity_b=8e-4, seed=0)
    enrolment = enrol(
        {"Studio Yamaha": [enrolled.melody(seed=1, notes=60)]}, network, others=others
    )
    trunk_only = replace(enrolment, one_piano=replace(enrolment.one_piano, fingerprint=None))

    def mine_share(chosen, piano) -> float:
        """The share of windows named "Studio Yamaha", every window taken for a piano (the
        shipped instrument head hears these 12 sine partials without a hammer as no piano,
        and the strings are read only where a piano plays)."""
        every_sound_a_piano = LoadedWeights(network, 0.5, {}, piano_threshold=0.0)
        classifier = EnrolledClassifier(chosen, every_sound_a_piano)
        audio = piano.melody(seed=7, notes=30)
        windows = range(0, audio.size - WINDOW_SAMPLES, 22_050)
        labels = [classifier.predict(audio[s : s + WINDOW_SAMPLES]).piano_label for s in windows]
        return float(np.mean([label == "Studio Yamaha" for label in labels]))

    assert mine_share(trunk_only, stiffer) >= 0.5
    assert mine_share(enrolment, stiffer) <= 0.1
    assert mine_share(enrolment, enrolled) >= 0.9


def test_one_piano_needs_the_other_pianos(tone_piano: tuple) -> None:
    _, network, audio = tone_piano
    with pytest.raises(EnrolmentError, match="other pianos"):
        enrol({"Studio Yamaha": [audio]}, network)


@pytest.mark.fluidsynth
@pytest.mark.parametrize(
    ("enrolled", "other"),
    [(mine, other) for mine in UNSEEN_PIANOS for other in UNSEEN_PIANOS if other != mine],
)
def test_one_unseen_piano_is_mine_and_others_are_another_piano(enrolled: str, other: str) -> None:
    """The issue's acceptance: enrolled alone from 90 s, >= 90 % of the windows of 90 s of new
    music on it are "my piano" and >= 90 % of another unseen piano's are "another piano".
    With stop 40's weights (shipped stops 42-54) the enrolled Steinway B fell short: 159 of
    177 windows mine, 89.8 %; with stop 55's, 91.5 %."""
    trial = _trial(enrolled)
    print(
        f"{enrolled} enrolled: {trial.mine:.1%} of its new windows mine, "
        f"{trial.others[other]:.1%} of {other}'s another piano "
        f"(held-out {trial.enrolment.validation_accuracy:.1%}, shipped other pianos passing "
        f"{trial.enrolment.one_piano.others_accepted:.1%})"
    )
    assert trial.others[other] >= 0.9
    assert trial.mine >= 0.9


_TRIALS: dict[str, object] = {}


def _trial(enrolled: str):
    if enrolled not in _TRIALS:
        _TRIALS[enrolled] = one_piano_trial(enrolled)
    return _TRIALS[enrolled]
