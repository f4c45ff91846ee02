"""The modelled piano: one instrument per seed, reproducible, brighter when played harder."""

from __future__ import annotations

import numpy as np

from pianoscope.dsp.features import SAMPLE_RATE_HZ
from pianoscope.model.training.midi_gen import Note, Phrase
from pianoscope.model.training.pianos.physical import PhysicalPiano, render_phrase


def _note(velocity: int, pitch: int = 57) -> Phrase:
    return Phrase("legato", "mf", (Note(0.0, 1.5, pitch, velocity),), (), 120.0, 2.0)


def _centroid_hz(audio: np.ndarray) -> float:
    power = np.abs(np.fft.rfft(audio[: SAMPLE_RATE_HZ // 2])) ** 2
    freqs = np.fft.rfftfreq(SAMPLE_RATE_HZ // 2, 1.0 / SAMPLE_RATE_HZ)
    return float(np.sum(freqs * power) / np.sum(power))


def test_a_seed_is_one_piano_and_another_seed_another():
    first = render_phrase(PhysicalPiano.from_seed(3), _note(80), detune_cents=0.0)
    again = render_phrase(PhysicalPiano.from_seed(3), _note(80), detune_cents=0.0)
    other = render_phrase(PhysicalPiano.from_seed(4), _note(80), detune_cents=0.0)
    np.testing.assert_array_equal(first, again)
    assert not np.allclose(first, other)


def test_harder_playing_is_louder_and_brighter_on_every_piano():
    for seed in range(4):
        piano = PhysicalPiano.from_seed(seed)
        soft = render_phrase(piano, _note(30), detune_cents=0.0)
        loud = render_phrase(piano, _note(120), detune_cents=0.0)
        assert np.sqrt(np.mean(loud**2)) > 8 * np.sqrt(np.mean(soft**2))
        assert _centroid_hz(loud) > 1.3 * _centroid_hz(soft)


def test_partials_are_stretched_by_inharmonicity():
    piano = PhysicalPiano.from_seed(0)
    audio = render_phrase(piano, _note(110, pitch=45), detune_cents=0.0)  # A2, 110 Hz
    magnitude = np.abs(np.fft.rfft(audio[: 2 * SAMPLE_RATE_HZ], n=8 * SAMPLE_RATE_HZ))
    freqs = np.fft.rfftfreq(8 * SAMPLE_RATE_HZ, 1.0 / SAMPLE_RATE_HZ)

    def peak_near(freq_hz: float) -> float:
        band = (freqs > freq_hz - 15) & (freqs < freq_hz + 15)
        return float(freqs[band][np.argmax(magnitude[band])])

    ratio = peak_near(10 * 110.0) / peak_near(110.0)
    assert ratio > 10.0  # f_n = n·f0·√(1 + B·n²) lies above n·f0
