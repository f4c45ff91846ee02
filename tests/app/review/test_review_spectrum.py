"""Spectra of a file at any moment and spectrograms of any span find a tone where it is."""

from __future__ import annotations

import numpy as np
import pytest
from support.review_signals import RATE, tone, write

from pianoscope.app.review.spectrum import (
    CONTIGUOUS_READ_S,
    SpectrogramRequest,
    frame_at,
    spectrogram_region,
)


@pytest.fixture(scope="module")
def a4_then_c5(tmp_path_factory):
    samples = np.concatenate([tone(440.0, 3.0), tone(523.25, 3.0)])
    return write(tmp_path_factory.mktemp("spectrum") / "two.wav", samples)


def test_frame_at_reads_the_note_at_that_moment(a4_then_c5):
    first = frame_at(a4_then_c5, RATE, 1.0, 8192)
    second = frame_at(a4_then_c5, RATE, 4.0, 8192)
    assert first.pitch is not None and first.pitch.note == "A4"
    assert second.pitch is not None and second.pitch.note == "C5"
    assert abs(first.pitch.cents) < 2
    assert first.time_s == 1.0 and first.partials


def test_frame_past_the_end_is_silent_not_an_error(a4_then_c5):
    frame = frame_at(a4_then_c5, RATE, 5.999, 8192)
    assert frame.freq_hz.size == 4097


@pytest.mark.parametrize("log_frequency", [True, False])
def test_spectrogram_puts_each_tone_in_its_row_and_span(a4_then_c5, log_frequency):
    request = SpectrogramRequest(0.0, 6.0, 4096, 60, 200, log_frequency)
    image = spectrogram_region(a4_then_c5, RATE, request)
    assert image.image_db.shape == (200, 60)
    centres = np.sqrt(np.maximum(image.rows_hz[:-1], 1e-3) * image.rows_hz[1:])
    loudest_hz = centres[np.argmax(image.image_db, axis=0)]
    assert np.all(np.abs(loudest_hz[5:25] / 440.0 - 1) < 0.05)
    assert np.all(np.abs(loudest_hz[35:55] / 523.25 - 1) < 0.05)


def test_long_spans_sample_columns_with_the_same_answer(tmp_path):
    seconds = CONTIGUOUS_READ_S + 10
    path = write(tmp_path / "long.wav", tone(440.0, seconds, 0.3))
    request = SpectrogramRequest(0.0, seconds, 2048, 40, 128, True)
    image = spectrogram_region(path, RATE, request)
    centres = np.sqrt(image.rows_hz[:-1] * image.rows_hz[1:])
    loudest_hz = centres[np.argmax(image.image_db[:, 1:], axis=0)]
    assert np.all(np.abs(loudest_hz / 440.0 - 1) < 0.05)
