"""Room, microphone and string resonance: the physics each one promises."""

from __future__ import annotations

import numpy as np

from pianoscope.dsp.features import SAMPLE_RATE_HZ
from pianoscope.model.training.room import room_impulse, string_resonance, tilt_eq


def _direct_to_reverberant_db(impulse: np.ndarray) -> float:
    direct = np.sum(impulse[:8] ** 2)
    return float(10 * np.log10(direct / np.sum(impulse[8:] ** 2)))


def test_a_room_response_has_unit_energy_and_less_direct_sound_further_away():
    near = room_impulse(np.random.default_rng(1), 0.8, 0.5)
    far = room_impulse(np.random.default_rng(1), 0.8, 4.0)
    assert np.sum(near**2) == np.sum(far**2) == 1.0 or np.isclose(np.sum(far**2), 1.0)
    assert np.argmax(np.abs(near)) < 8  # the direct sound comes first
    assert _direct_to_reverberant_db(near) > _direct_to_reverberant_db(far) + 10.0


def test_a_longer_rt60_rings_longer():
    short = room_impulse(np.random.default_rng(2), 0.3, 2.0)
    long = room_impulse(np.random.default_rng(2), 1.5, 2.0)
    late = int(0.25 * SAMPLE_RATE_HZ)
    assert np.sum(long[late:] ** 2) > 10 * np.sum(short[late:] ** 2)


def test_the_microphone_tilt_moves_treble_against_bass():
    noise = np.random.default_rng(3).standard_normal(SAMPLE_RATE_HZ)

    def treble_to_bass_db(audio: np.ndarray) -> float:
        power = np.abs(np.fft.rfft(audio)) ** 2
        freqs = np.fft.rfftfreq(audio.size, 1.0 / SAMPLE_RATE_HZ)
        bass = np.sum(power[(freqs > 300) & (freqs < 600)])
        return float(10 * np.log10(np.sum(power[(freqs > 5000) & (freqs < 10_000)]) / bass))

    bright, dark = tilt_eq(noise, 6.0, 60.0), tilt_eq(noise, -6.0, 60.0)
    assert treble_to_bass_db(bright) - treble_to_bass_db(dark) > 8.0
    assert np.isclose(np.std(bright), np.std(noise), rtol=0.01)


def test_string_resonance_adds_a_quiet_ringing_tail():
    click = np.zeros(SAMPLE_RATE_HZ)
    click[100] = 1.0
    ringing = string_resonance(click, 4, 30.0)
    tail = ringing[SAMPLE_RATE_HZ // 2 :]
    assert 0 < np.sqrt(np.mean(tail**2)) < 0.1 * np.sqrt(np.mean(ringing**2))
