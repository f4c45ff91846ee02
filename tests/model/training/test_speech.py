"""Speech clips for the "not a piano" class come from espeak-ng, seeded."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from pianoscope.dsp.features import SAMPLE_RATE_HZ
from pianoscope.model.training.speech import speech_clip

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")


def test_a_speech_clip_is_seeded_voice_of_the_asked_length():
    first = speech_clip(5, 3.0)
    assert first.shape == (3 * SAMPLE_RATE_HZ,) and first.dtype == np.float32
    np.testing.assert_array_equal(first, speech_clip(5, 3.0))
    assert not np.array_equal(first, speech_clip(6, 3.0))
    assert np.mean(np.abs(first) > 0.01) > 0.3  # mostly voice, not padding
