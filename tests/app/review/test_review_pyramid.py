"""The waveform pyramid: exact min/max per bucket at every zoom, the same with any thread count."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf
from support.review_signals import RATE, write

from pianoscope.app.review.waveform_cache import cache_file, cached_pyramid, load_cached
from pianoscope.app.review.waveform_pyramid import BASE_BUCKET, build_pyramid
from pianoscope.audio.region import read_frames
from pianoscope.progress import Cancelled, CancelToken


@pytest.fixture(scope="module")
def noise_file(tmp_path_factory):
    rng = np.random.default_rng(5)
    samples = (rng.uniform(-0.8, 0.8, round(7.3 * RATE))).astype(np.float32)
    samples[RATE : RATE + 10] = 0.95  # one spike that every level must keep
    path = write(tmp_path_factory.mktemp("pyramid") / "noise.wav", samples)
    return path, read_frames(path, 0, samples.size)


def test_every_level_keeps_the_extremes_of_its_buckets(noise_file):
    path, samples = noise_file
    pyramid = build_pyramid(path)
    assert pyramid.frames == samples.size
    for level, (low, high) in enumerate(zip(pyramid.lows, pyramid.highs, strict=True)):
        bucket = BASE_BUCKET << level
        for index in (0, 3, low.size // 2, low.size - 1):
            chunk = samples[index * bucket : (index + 1) * bucket]
            if chunk.size:
                assert low[index] == pytest.approx(chunk.min())
                assert high[index] == pytest.approx(chunk.max())
    assert pyramid.highs[-1][0] == pytest.approx(0.95, abs=1e-4)


def test_envelope_picks_a_level_that_fits_the_width_and_covers_the_span(noise_file):
    path, _ = noise_file
    pyramid = build_pyramid(path)
    envelope = pyramid.envelope(1.0, 3.0, 500)
    assert 250 <= envelope.low.size <= 502
    assert envelope.start_s <= 1.0
    assert envelope.start_s + envelope.bucket_s * envelope.low.size >= 3.0
    assert np.all(envelope.low <= envelope.high)
    whole = pyramid.envelope(0.0, pyramid.duration_s, 100_000)
    assert whole.bucket_s == pytest.approx(BASE_BUCKET / RATE)


def test_parallel_readers_build_the_same_pyramid(noise_file):
    path, _ = noise_file
    one, three = build_pyramid(path, threads=1), build_pyramid(path, threads=3)
    for a, b in zip(one.lows + one.highs, three.lows + three.highs, strict=True):
        np.testing.assert_array_equal(a, b)


def test_progress_reaches_one_and_cancel_stops_the_build(noise_file):
    path, _ = noise_file
    seen: list[float] = []
    build_pyramid(path, progress=seen.append)
    assert seen[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in seen)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        build_pyramid(path, cancel=token)


def test_cached_pyramid_is_reused_until_the_file_changes(noise_file, tmp_path):
    path, _ = noise_file
    folder = tmp_path / "cache"
    built = cached_pyramid(path, folder)
    assert cache_file(path, folder).is_file()
    loaded = load_cached(path, folder)
    assert loaded is not None and loaded.frames == built.frames
    np.testing.assert_allclose(loaded.highs[-1], built.highs[-1], atol=1e-3)
    assert len(loaded.lows) == len(built.lows)
    copy = tmp_path / "copy.wav"
    copy.write_bytes(path.read_bytes())
    cached_pyramid(copy, folder)
    os.utime(copy, ns=(0, 0))
    assert load_cached(copy, folder) is None


def test_damaged_cache_is_rebuilt_not_shown(noise_file, tmp_path):
    path, _ = noise_file
    folder = tmp_path / "cache"
    folder.mkdir()
    cache_file(path, folder).write_bytes(b"not numpy")
    assert load_cached(path, folder) is None
    assert cached_pyramid(path, folder).frames == build_pyramid(path).frames


def test_float_files_keep_peaks_above_full_scale_and_stereo_is_mixed(tmp_path):
    left = np.zeros(RATE, np.float32)
    left[100] = 1.5
    path = tmp_path / "hot.wav"
    sf.write(str(path), np.stack([left, -left], axis=1), RATE, subtype="FLOAT")
    assert build_pyramid(path).highs[-1][0] == 0.0  # the two channels cancel in the mix
    sf.write(str(path), left, RATE, subtype="FLOAT")
    assert build_pyramid(path).highs[-1][0] == pytest.approx(1.5)
    sf.write(str(path), np.stack([left, left], axis=1) / 2, RATE, subtype="PCM_16")
    assert build_pyramid(path).highs[-1][0] == pytest.approx(0.75, abs=1e-4)
