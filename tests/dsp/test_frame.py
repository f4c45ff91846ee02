"""What one analysed window shows a teacher: the note's partials first, by harmonic number."""

from __future__ import annotations

import numpy as np
import pytest
from support.synthetic_recordings import SAMPLE_RATE_HZ, piano_like

from pianoscope.dsp.frame import analyse_frame
from pianoscope.dsp.noise_floor import SHOWN_ABOVE_NOISE_DB

FFT_SIZE = 8192


def a3_and_a_stray_tone(gain: float = 1.0) -> np.ndarray:
    """A3 (12 partials, B = 3e-4) 0.1 s after its attack, a 3 kHz whistle, faint hiss."""
    time_s = np.arange(FFT_SIZE) / SAMPLE_RATE_HZ
    tone = piano_like(57, 0.5)[4410 : 4410 + FFT_SIZE]
    whistle = 0.01 * np.sin(2 * np.pi * 3_000.0 * time_s)
    hiss = np.random.default_rng(0).normal(0.0, 1e-4, FFT_SIZE)
    return (gain * (tone + whistle + hiss)).astype(np.float32)


def test_the_note_s_partials_come_first_by_harmonic_then_other_peaks() -> None:
    frame = analyse_frame(a3_and_a_stray_tone(), SAMPLE_RATE_HZ)
    shown = frame.shown_partials
    harmonics = [p.harmonic for p in shown]
    assert harmonics[:12] == list(range(1, 13))
    assert [round(p.freq_hz) for p in shown[12:]] == [3000]
    assert all(p.amp_db > frame.floor_at(p.freq_hz) for p in shown)
    assert all(frame.floor_at(p.freq_hz) - SHOWN_ABOVE_NOISE_DB < -90 for p in shown)


@pytest.mark.parametrize("gain", [0.01, 100.0])
def test_what_is_shown_does_not_depend_on_the_input_gain(gain) -> None:
    reference = analyse_frame(a3_and_a_stray_tone(), SAMPLE_RATE_HZ).shown_partials
    scaled = analyse_frame(a3_and_a_stray_tone(gain), SAMPLE_RATE_HZ).shown_partials
    assert [p.harmonic for p in scaled] == [p.harmonic for p in reference]
    for before, after in zip(reference, scaled, strict=True):
        assert after.amp_db - before.amp_db == pytest.approx(20 * np.log10(gain), abs=0.01)
