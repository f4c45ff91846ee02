"""The held-note acceptance's yardstick: every key of the case once, at its onset, nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ
from pianoscope.transcription.training.content import HELD_CHORD_ONSET_S
from pianoscope.transcription.training.held_cases import (
    ONSET_TOLERANCE_S,
    ROOM_SEED,
    ROOM_WET,
    heard_in,
    in_room,
    one_note_per_key,
)

ON = HELD_CHORD_ONSET_S


def test_each_key_once_at_its_onset_is_exact():
    assert one_note_per_key("C major 6 s", [(ON, 72), (ON + 0.01, 60), (ON, 64), (ON, 67)])


def test_a_partial_a_key_found_again_a_late_or_missing_key_are_not():
    keys = [(ON, 60), (ON, 64), (ON, 67), (ON, 72)]
    assert not one_note_per_key("C major 6 s", [*keys, (ON, 76)])
    assert not one_note_per_key("C major 6 s", [*keys, (ON + 2.0, 72)])
    assert not one_note_per_key("C major 6 s", keys[:3])
    late = [(ON + ONSET_TOLERANCE_S + 0.01, 60), *keys[1:]]
    assert not one_note_per_key("C major 6 s", late)


def test_the_test_s_room_is_one_of_the_rooms_of_its_size():
    dry = np.zeros(SAMPLE_RATE_HZ, dtype=np.float32)
    dry[100] = 1.0
    assert np.array_equal(heard_in(dry, "room"), in_room(dry, ROOM_SEED))
    assert np.array_equal(heard_in(dry, "dry"), dry)
    other = in_room(dry, ROOM_SEED + 1)
    assert not np.allclose(other, in_room(dry, ROOM_SEED))
    # the same size: the dry sound and a tail ROOM_WET as loud as it
    assert np.sqrt(np.sum((other - dry) ** 2)) == pytest.approx(ROOM_WET, rel=0.05)
