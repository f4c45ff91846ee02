"""Bars from beats and a meter, and beats from a recording's onsets."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.analysis.bars import bar_starts, beat_times
from pianoscope.analysis.meter import Meter

RATE_HZ = 22_050


def test_bars_start_every_beats_per_bar_beats_after_the_upbeat():
    beats = np.arange(14) * 0.5
    assert bar_starts(beats, Meter()) == pytest.approx([0.0, 2.0, 4.0, 6.0])
    assert bar_starts(beats, Meter(beats_per_bar=3, upbeat_beats=2)) == pytest.approx(
        [1.0, 2.5, 4.0, 5.5]
    )


@pytest.mark.parametrize(
    "meter", [dict(beats_per_bar=0), dict(bars_per_section=0), dict(upbeat_beats=-1)]
)
def test_a_meter_needs_at_least_one_beat_and_one_bar(meter):
    with pytest.raises(ValueError, match="not a meter"):
        Meter(**meter)


def clicks(period_s: float, count: int) -> np.ndarray:
    """Short decaying 880 Hz tones every `period_s`, after half a second of silence."""
    time_s = np.arange(round(0.1 * RATE_HZ)) / RATE_HZ
    tone = (0.3 * np.exp(-30 * time_s) * np.sin(2 * np.pi * 880 * time_s)).astype(np.float32)
    samples = np.zeros(round((1.0 + period_s * count) * RATE_HZ), np.float32)
    for k in range(count):
        start = round((0.5 + k * period_s) * RATE_HZ)
        samples[start : start + tone.size] += tone
    return samples


def test_beats_of_a_recording_come_from_its_onsets():
    beats = beat_times(clicks(0.6, 20), RATE_HZ)
    assert beats is not None
    assert np.diff(beats) == pytest.approx(0.6, abs=0.015)
    # At 22.05 kHz the onset window (2048 samples) is twice as long as the one ONSET_LAG_S was
    # measured with, so onsets come ~30 ms early; every bar moves alike, which is harmless.
    assert beats[0] == pytest.approx(0.5, abs=0.05)
    assert beat_times(clicks(2.0, 5), RATE_HZ) is None
