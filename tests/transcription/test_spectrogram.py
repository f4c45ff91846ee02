"""The note model's input: streamed equals whole, and the long frames part the bass."""

from __future__ import annotations

import numpy as np

from pianoscope.dsp.pitch import midi_to_hz
from pianoscope.transcription.network import forward, key_levels
from pianoscope.transcription.spectrogram import (
    BAND_COUNT,
    FEATURE_COUNT,
    LOWEST_MIDI,
    SAMPLE_RATE_HZ,
    loudest_band_db,
    normalise_db,
    spectrogram,
)
from pianoscope.transcription.transcriber import NoteTranscriber, shipped_weights


def sine(midi: int, seconds: float = 2.0) -> np.ndarray:
    time_s = np.arange(round(seconds * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    return (0.5 * np.sin(2.0 * np.pi * midi_to_hz(midi) * time_s)).astype(np.float32)


def test_features_hold_short_then_long_frames_on_the_same_hop() -> None:
    samples = sine(60, 1.0)
    features = spectrogram(samples)
    assert features.shape == (samples.size // 882 + 1, FEATURE_COUNT)
    middle = features.shape[0] // 2
    short_c4 = key_levels(features[:, :BAND_COUNT])[middle, 60 - LOWEST_MIDI]
    long_c4 = key_levels(features[:, BAND_COUNT:])[middle, 60 - LOWEST_MIDI]
    assert abs(short_c4 - long_c4) < 1.5  # a sine reads the same level in both, in dB


def test_long_frames_part_a_bass_key_from_its_neighbours() -> None:
    """C3 is 130.8 Hz, a semitone away is 7.8 Hz: under one 10.8 Hz bin of the short frames,
    three 2.7 Hz bins of the long ones (C3 is also the second partial of C2)."""
    features = spectrogram(sine(48))
    middle = features.shape[0] // 2
    key = 48 - LOWEST_MIDI
    short = key_levels(features[:, :BAND_COUNT])[middle]
    long = key_levels(features[:, BAND_COUNT:])[middle]
    short_contrast = short[key] - max(short[key - 1], short[key + 1])
    long_contrast = long[key] - max(long[key - 1], long[key + 1])
    print(f"C3 over its neighbours: short frames {short_contrast:.1f} dB, long {long_contrast:.1f}")
    assert short_contrast < 3.0
    assert long_contrast > 10.0


def test_a_stream_fed_in_odd_blocks_gives_the_whole_signal_s_features() -> None:
    """Both frame lengths are cut from the stream with the same centres as from the whole
    (a frame off would change onset probabilities by tenths). Equal to float32 rounding, not
    bit for bit: the numeric libraries pick their kernels by CPU and by array shape, and on an
    AMD EPYC (stop 34) the stream's shorter pieces rounded up to 3e-7 differently."""
    samples = np.random.default_rng(2).normal(0.0, 0.1, 3 * SAMPLE_RATE_HZ).astype(np.float32)
    streamed = NoteTranscriber(reference_db=-20.0)
    for start in range(0, samples.size, 12_345):
        streamed.feed(samples[start : start + 12_345])
    expected = forward(normalise_db(spectrogram(samples)), shipped_weights())
    np.testing.assert_allclose(streamed.activations().onset, expected.onset, rtol=0, atol=1e-5)


def test_a_window_normalised_with_the_loudest_band_before_it_reads_as_in_the_whole_take() -> None:
    """A live window of soft playing after a loud note: relative to its own loudest band it
    reads 26 dB louder than in the whole recording; relative to the loudest heard before, the
    same."""
    levels = spectrogram(np.concatenate([sine(60), 0.05 * sine(64)]))
    whole = normalise_db(levels)
    soft = levels[120:]
    assert normalise_db(soft).max() > whole[120:].max() + 0.2
    np.testing.assert_array_equal(normalise_db(soft, loudest_band_db(levels[:100])), whole[120:])
