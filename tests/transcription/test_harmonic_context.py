"""The context the peak judge's second stage reads: what the first stage said of the peaks
struck with each peak at harmonic intervals."""

from __future__ import annotations

import numpy as np
import pytest

from pianoscope.transcription.harmonic_context import (
    CONTEXT_FEATURES,
    LIKELY,
    harmonic_context,
)
from pianoscope.transcription.spectrogram import KEY_COUNT

COLUMN = {name: index for index, name in enumerate(CONTEXT_FEATURES)}


def context_of(peaks: list[tuple[int, int, float]], together_frames: int = 2) -> np.ndarray:
    frames, keys, first = (np.array(values) for values in zip(*peaks, strict=True))
    return harmonic_context(frames, keys, first.astype(float), 100, together_frames)


def test_a_bright_note_s_partials_see_their_fundamental_and_each_other() -> None:
    # key 10 taken for a key; its 2nd, 3rd and 4th harmonic places half believed; far away a key
    peaks = [(20, 10, 1.0), (20, 22, 0.2), (21, 29, 0.6), (20, 34, 0.5), (80, 29, 0.9)]
    rows = context_of(peaks)
    fundamental, octave, twelfth, double, far = rows
    assert twelfth[COLUMN["first below 19"]] == 1.0
    assert twelfth[COLUMN["first fundamental"]] == 1.0
    # its siblings, the fundamental's other harmonic places: 22 (0.2) and 34 (0.5)
    assert twelfth[COLUMN["first siblings highest"]] == pytest.approx(0.5)
    assert twelfth[COLUMN["first siblings sum"]] == pytest.approx(0.7)
    assert twelfth[COLUMN["first siblings likely"]] == 1
    assert twelfth[COLUMN["first together likely"]] == 2  # 10 and 34, not itself nor 22
    assert twelfth[COLUMN["first together sum"]] == pytest.approx(1.7)
    assert fundamental[COLUMN["first above 12"]] == pytest.approx(0.2)
    assert fundamental[COLUMN["first above 19"]] == pytest.approx(0.6)
    assert fundamental[COLUMN["first fundamental"]] == 0.0
    assert fundamental[COLUMN["first siblings sum"]] == 0.0
    assert octave[COLUMN["first below 12"]] == 1.0
    assert double[COLUMN["first below 24"]] == 1.0
    np.testing.assert_array_equal(far, np.zeros(len(CONTEXT_FEATURES)))


def test_only_peaks_struck_together_count() -> None:
    near, apart = (
        context_of([(20, 10, 1.0), (22, 22, 0.9)]),
        context_of([(20, 10, 1.0), (23, 22, 0.9)]),
    )
    assert near[1, COLUMN["first below 12"]] == 1.0
    assert apart[1, COLUMN["first below 12"]] == 0.0
    assert near[1, COLUMN["first together likely"]] == 1 and LIKELY < 0.9


def test_the_keyboard_s_ends_and_no_peaks() -> None:
    rows = context_of([(5, 0, 0.9), (5, KEY_COUNT - 1, 0.8)])
    assert rows.shape == (2, len(CONTEXT_FEATURES))
    assert rows[0, COLUMN["first together likely"]] == 1
    none = harmonic_context(np.zeros(0, int), np.zeros(0, int), np.zeros(0), 10, 2)
    assert none.shape == (0, len(CONTEXT_FEATURES))
