"""The sampler plays key samples at the right pitch, darker when soft, and damps released keys."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.dsp.features import SAMPLE_RATE_HZ
from pianoscope.model.training.midi_gen import Note, Phrase
from pianoscope.model.training.pianos.sample_sets import FREEPATS_DIR, FREEPATS_PIANOS, freepats
from pianoscope.model.training.pianos.sampler import KeySample, SampleSet, render_phrase

TIME_S = np.arange(3 * SAMPLE_RATE_HZ) / SAMPLE_RATE_HZ
# A 440 Hz "recording" with ten harmonics of equal level, slowly decaying.
TONE = sum(np.sin(2 * np.pi * 440.0 * k * TIME_S) for k in range(1, 11)) * np.exp(-TIME_S)
A4 = SampleSet("test", (KeySample(TONE.astype(np.float32), SAMPLE_RATE_HZ, 440.0, 20.0, 5000.0),))


def _phrase(*notes: Note, pedal: tuple[tuple[float, bool], ...] = ()) -> Phrase:
    return Phrase("legato", "mf", notes, pedal, 120.0, 3.0)


def _spectrum(audio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    magnitude = np.abs(np.fft.rfft(audio[:SAMPLE_RATE_HZ]))
    return np.fft.rfftfreq(SAMPLE_RATE_HZ, 1.0 / SAMPLE_RATE_HZ), magnitude


def test_a_note_an_octave_up_sounds_an_octave_up():
    audio = render_phrase(A4, _phrase(Note(0.0, 2.0, 81, 100)))
    freqs, magnitude = _spectrum(audio)
    assert freqs[np.argmax(magnitude)] == pytest.approx(880.0, abs=1.0)


def test_softer_playing_is_quieter_and_darker():
    def brightness(velocity: int) -> tuple[float, float]:
        freqs, magnitude = _spectrum(render_phrase(A4, _phrase(Note(0.0, 2.0, 69, velocity))))
        power = magnitude**2
        return float(np.sum(power)), float(np.sum(power[freqs > 2000]) / np.sum(power))

    soft_power, soft_share = brightness(30)
    loud_power, loud_share = brightness(120)
    assert loud_power > 100 * soft_power  # velocity²: 32 dB apart
    assert loud_share > 2 * soft_share


def test_a_released_key_is_damped_unless_the_pedal_holds_it():
    note = Note(0.0, 0.5, 69, 100)
    released = render_phrase(A4, _phrase(note))
    held = render_phrase(A4, _phrase(note, pedal=((0.1, True), (3.0, False))))
    late = slice(int(1.2 * SAMPLE_RATE_HZ), int(1.4 * SAMPLE_RATE_HZ))
    assert np.max(np.abs(released[late])) < 1e-3 * np.max(np.abs(released))
    assert np.max(np.abs(held[late])) > 0.1 * np.max(np.abs(held))


@pytest.mark.skipif(not FREEPATS_DIR.is_dir(), reason="Debian freepats is not installed")
def test_freepats_patches_read_as_looped_samples_covering_the_keyboard():
    grand = freepats(FREEPATS_DIR / FREEPATS_PIANOS["freepats-grand"], "freepats-grand")
    assert len(grand.samples) == 10
    roots = [sample.root_hz for sample in grand.samples]
    assert roots == sorted(roots)
    for sample in grand.samples:
        assert sample.low_hz <= sample.root_hz <= sample.high_hz
        assert sample.loop is not None and 0 < sample.loop[0] < sample.loop[1] <= sample.audio.size
        assert 0.01 < np.max(np.abs(sample.audio)) <= 1.0
    audio = render_phrase(grand, _phrase(Note(0.0, 2.5, 48, 90)))
    assert np.max(np.abs(audio[-SAMPLE_RATE_HZ // 2 :])) > 0  # the loop keeps it sounding
