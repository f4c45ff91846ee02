"""The fingerprint of a piano's strings: its own new playing agrees, another piano's does not."""

from __future__ import annotations

import numpy as np
import pytest
from support.stiff_strings import SAMPLE_RATE_HZ, StiffStringPiano, stiff_string_piano

from pianoscope.dsp.key_partials import key_partials
from pianoscope.model.piano_fingerprint import (
    WINDOW_ALPHA,
    agreement,
    fit_fingerprint,
    mine_probability,
)

WINDOW_NOTES = 3  # 2.25 s of notes: one live window


@pytest.fixture(scope="module")
def enrolled():
    """A fingerprint of a stiff-string piano, with the piano itself."""
    piano = stiff_string_piano(inharmonicity_b=3e-4, seed=0)
    train = [piano.melody(seed=1, notes=120)]
    held_out = [piano.melody(seed=2, notes=30)]
    return fit_fingerprint(train, held_out, SAMPLE_RATE_HZ), piano


def _windows(piano, seed: int, gain: float) -> list:
    return [
        key_partials(piano.melody(seed=seed + i, notes=WINDOW_NOTES, gain=gain), SAMPLE_RATE_HZ)
        for i in range(20)
    ]


def test_own_new_playing_agrees_at_any_level(enrolled) -> None:
    fingerprint, piano = enrolled
    assert fingerprint.agreeing_rate > 0.8
    for gain in (0.01, 0.1, 0.4):
        windows = _windows(piano, seed=100, gain=gain)
        assert all(mine_probability(fingerprint, w) >= 0.5 for w in windows), gain


@pytest.mark.parametrize(
    "other",
    [
        stiff_string_piano(inharmonicity_b=8e-4, seed=0),  # same tuning, stiffer strings
        StiffStringPiano(3e-4, stiff_string_piano(3e-4, seed=0).detune_cents + 5.0),  # A 441
    ],
)
def test_another_pianos_playing_disagrees(enrolled, other) -> None:
    fingerprint, _ = enrolled
    windows = _windows(other, seed=100, gain=0.1)
    rejected = [agreement(fingerprint, w) < WINDOW_ALPHA for w in windows]
    assert np.mean(rejected) >= 0.9


def test_keys_never_heard_say_nothing(enrolled) -> None:
    fingerprint, piano = enrolled
    unheard = np.concatenate([piano.note(90), piano.note(95)])
    assert agreement(fingerprint, key_partials(unheard, SAMPLE_RATE_HZ)) == 1.0
