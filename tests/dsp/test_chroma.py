"""Chroma of tones with known pitch classes."""

from __future__ import annotations

import numpy as np

from pianoscope.dsp.chroma import chroma

RATE_HZ = 22_050


def tone(freq_hz: float, seconds: float = 1.0) -> np.ndarray:
    time_s = np.arange(round(seconds * RATE_HZ)) / RATE_HZ
    return sum(0.3 / n * np.sin(2 * np.pi * n * freq_hz * time_s) for n in (1, 2, 4))


def test_a_440_hz_tone_is_pitch_class_a_whatever_its_level():
    loud, soft = chroma(tone(440.0), RATE_HZ), chroma(0.01 * tone(440.0), RATE_HZ)
    assert np.all(np.argmax(loud, axis=1) == 9)
    np.testing.assert_allclose(loud, soft, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(loud, axis=1), 1.0, rtol=1e-5)


def test_a_c_major_chord_lights_c_e_and_g():
    chord = tone(261.63) + tone(329.63) + tone(392.0)
    frame = chroma(chord, RATE_HZ)[5]
    assert set(np.argsort(frame)[-3:]) == {0, 4, 7}


def test_silence_is_the_uniform_vector():
    frames = chroma(np.zeros(RATE_HZ), RATE_HZ)
    np.testing.assert_allclose(frames, 1 / np.sqrt(12), rtol=1e-6)
