"""Velocities read against each key's own level, from a chromatic scale played mf."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

from pianoscope.dsp.notes import NoteEvent
from pianoscope.model.calibration import calibrate
from pianoscope.model.training.midi_gen import Note, Phrase
from pianoscope.transcription.key_balance import (
    MIN_SCALE_KEYS,
    SCALE_VELOCITY,
    balanced_velocities,
    key_levels_of_scale,
    note_levels_db,
)
from pianoscope.transcription.scale_calibration import calibrate_scale
from pianoscope.transcription.spectrogram import FRAME_RATE_HZ, KEY_COUNT, LOWEST_MIDI
from pianoscope.transcription.training.data import render_dry
from pianoscope.transcription.transcriber import transcribe_notes

RATE = 44_100


def note(midi: int, onset_s: float = 1.0, velocity: int = 64) -> NoteEvent:
    return NoteEvent(onset_s, onset_s + 0.5, midi, velocity, 0.9)


def test_a_notes_level_is_the_loudest_of_its_first_two_harmonics_at_its_attack() -> None:
    levels = np.full((200, 99), -80.0, dtype=np.float32)
    onset = round(1.0 * FRAME_RATE_HZ)
    levels[onset + 2, 60 - LOWEST_MIDI] = -20.0  # the fundamental, two frames after the onset
    levels[onset + 2, 72 - LOWEST_MIDI] = -20.0  # its octave: the second harmonic
    levels[onset + 2, 79 - LOWEST_MIDI] = 0.0  # the third harmonic does not count
    levels[onset + 20, 60 - LOWEST_MIDI] = 0.0  # nor does the key long after the attack
    (level_db,) = note_levels_db(levels, [note(60)])
    assert level_db == pytest.approx(-20.0 + 10.0 * np.log10(2.0), abs=1e-3)


def test_the_scale_gives_every_key_the_loudest_reading_of_it_or_of_its_neighbours() -> None:
    played = [note(midi) for midi in range(48, 60)] + [note(50)]
    levels = np.array([-30.0 - (midi - 48) for midi in range(48, 60)] + [-50.0])
    keys = key_levels_of_scale(played, levels)
    assert len(keys) == KEY_COUNT
    assert keys[50 - LOWEST_MIDI] == -32.0  # a softer second reading (a partial) is passed over
    assert keys[0] == -30.0 and keys[-1] == -41.0  # the nearest key heard beyond the ends
    with pytest.raises(ValueError, match=f"at least {MIN_SCALE_KEYS} keys"):
        key_levels_of_scale(played[: MIN_SCALE_KEYS - 1], levels[: MIN_SCALE_KEYS - 1])


def test_a_note_at_its_keys_scale_level_keeps_the_networks_velocity() -> None:
    keys = [-30.0] * KEY_COUNT
    at_level, louder = balanced_velocities(
        [note(60, velocity=SCALE_VELOCITY), note(62, velocity=SCALE_VELOCITY)],
        np.array([-30.0, -20.0]),
        keys,
    )
    assert at_level.velocity == SCALE_VELOCITY
    # 10 dB above its key: 64 * 10^(10 / 40) by level, 64 by the network; their geometric mean
    assert louder.velocity == round(SCALE_VELOCITY * 10.0 ** (10.0 / 80.0))


def _with_key_gains(
    piano: str, played: list[tuple[float, int, int]], gains_db: dict[int, float]
) -> np.ndarray:
    """`played` (onset s, key, velocity) each rendered alone on `piano` and louder or softer by
    its key's gain, as a piano whose keys are voiced unevenly sounds."""
    phrases = [
        Phrase("legato", "mf", (Note(0.0, 0.3, m, v),), (), 120.0, 1.2) for _, m, v in played
    ]
    out = np.zeros(round((played[-1][0] + 1.5) * RATE), dtype=np.float32)
    for (onset_s, midi, _), sound in zip(played, render_dry(piano, phrases), strict=True):
        start = round(onset_s * RATE)
        out[start : start + sound.size] += sound * 10.0 ** (gains_db[midi] / 20.0)
    return out


@pytest.mark.fluidsynth
def test_a_scale_calibration_reads_an_uneven_pianos_velocities_in_their_order() -> None:
    """Keys voiced up to 6 dB louder or softer than their neighbours: through the mf
    calibration the network ranks the notes by their keys as much as by how hard they were
    struck; read against each key's level in the scale, by how hard they were struck."""
    rng = np.random.default_rng(3)
    keys = range(48, 73)
    gains_db = {midi: float(rng.uniform(-6.0, 6.0)) for midi in keys}
    scale = _with_key_gains(
        "TimGM6mb.sf2",
        [(0.2 + 0.4 * i, midi, SCALE_VELOCITY) for i, midi in enumerate(keys)],
        gains_db,
    )
    played = [
        (0.3 + 0.45 * i, int(rng.choice(keys)), int(rng.integers(30, 121))) for i in range(60)
    ]
    take = _with_key_gains("TimGM6mb.sf2", played, gains_db)
    rho = {}
    for name, calibration in (("mf", calibrate(scale)), ("scale", calibrate_scale(scale))):
        found = transcribe_notes(take, calibration=calibration).notes
        pairs = [
            (velocity, n.velocity)
            for onset_s, midi, velocity in played
            for n in found
            if n.midi == midi and abs(n.onset_s - onset_s) <= 0.05
        ]
        assert len(pairs) >= 55
        rho[name] = spearmanr(*zip(*pairs, strict=True)).statistic
    print(rho)
    assert rho["scale"] >= 0.95 and rho["scale"] >= rho["mf"] + 0.05  # measured 0.97 and 0.87
