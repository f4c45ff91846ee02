"""Loading recordings: any rate and channel count to 44.1 kHz mono; bad files fail clearly."""

from __future__ import annotations

import dataclasses
import io
import struct
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import resample_poly

from pianoscope.audio import fileio
from pianoscope.audio.fileio import iter_audio_blocks, load_audio, probe_audio, write_audio
from pianoscope.errors import AudioFileError


def _tone(freq_hz: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def _dominant_freq_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(samples.size)))
    return float(np.argmax(spectrum) * rate / samples.size)


def test_96khz_six_channel_file_loads_as_44k1_mono_with_pitch_kept(tmp_path):
    rate = 96_000
    tone = _tone(440.0, 2.0, rate)
    channels = np.stack([tone * (c + 1) / 6 for c in range(6)], axis=1)
    path = tmp_path / "six.wav"
    sf.write(path, channels, rate, subtype="PCM_24")
    audio = load_audio(path)
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert audio.size == pytest.approx(2.0 * 44_100, abs=1)
    assert _dominant_freq_hz(audio, 44_100) == pytest.approx(440.0, abs=1.0)
    expected_amplitude = 0.5 * np.mean([(c + 1) / 6 for c in range(6)])
    assert np.max(np.abs(audio[1000:-1000])) == pytest.approx(expected_amplitude, rel=0.02)


def test_channel_choice_picks_one_channel(tmp_path):
    rate = 44_100
    stereo = np.stack([_tone(220, 1, rate), _tone(880, 1, rate)], axis=1)
    path = tmp_path / "stereo.flac"
    sf.write(path, stereo, rate)
    assert _dominant_freq_hz(load_audio(path, channel=1), rate) == pytest.approx(880, abs=2)
    with pytest.raises(AudioFileError, match="channel 3 does not exist"):
        load_audio(path, channel=2)


@settings(deadline=None, max_examples=15)
@given(
    rate=st.sampled_from([8_000, 11_025, 22_050, 32_000, 44_100, 48_000, 96_000]),
    frames=st.integers(1, 30_000),
    block_s=st.sampled_from([0.01, 0.1, 0.37, 10.0]),
)
def test_block_wise_loading_equals_resampling_the_whole_file(
    tmp_path_factory, rate, frames, block_s
):
    samples = np.random.default_rng(frames).uniform(-0.5, 0.5, frames).astype(np.float32)
    path = tmp_path_factory.mktemp("blocks") / "noise.wav"
    sf.write(path, samples, rate, subtype="FLOAT")
    blocks = list(iter_audio_blocks(path, block_s=block_s))
    joined = np.concatenate(blocks)
    from fractions import Fraction

    ratio = Fraction(44_100, rate)
    reference = resample_poly(samples, ratio.numerator, ratio.denominator)
    assert joined.size == reference.size
    np.testing.assert_allclose(joined, reference, atol=1e-5)


def test_8_bit_wav_loads(tmp_path):
    path = tmp_path / "eight.wav"
    sf.write(path, _tone(440, 0.5, 22_050), 22_050, subtype="PCM_U8")
    audio = load_audio(path)
    assert audio.size == 22_050
    assert _dominant_freq_hz(audio, 44_100) == pytest.approx(440, abs=2)


def test_flac_with_wrong_extension_loads_by_content(tmp_path):
    path = tmp_path / "really_flac.wav"
    sf.write(path, _tone(440, 0.5, 44_100), 44_100, format="FLAC")
    assert load_audio(path).size == 22_050


def test_ogg_vorbis_loads(tmp_path):
    path = tmp_path / "take.ogg"
    sf.write(path, _tone(440, 1.0, 48_000), 48_000, format="OGG", subtype="VORBIS")
    audio = load_audio(path)
    assert audio.size == pytest.approx(44_100, abs=2)


def test_zero_byte_file_is_refused_clearly(tmp_path):
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(AudioFileError, match="empty"):
        load_audio(path)


def test_header_only_wav_is_refused_clearly(tmp_path):
    path = tmp_path / "header.wav"
    sf.write(path, np.zeros(0, np.float32), 44_100)
    with pytest.raises(AudioFileError, match="holds no audio"):
        load_audio(path)


def test_truncated_wav_keeps_the_audio_that_is_there(tmp_path):
    path = tmp_path / "cut.wav"
    sf.write(path, _tone(440, 2.0, 44_100), 44_100, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    audio = load_audio(path)
    assert 0.9 * 44_100 <= audio.size <= 1.01 * 44_100
    assert np.all(np.isfinite(audio))


def test_truncated_flac_keeps_the_audio_before_the_damage(tmp_path):
    path = tmp_path / "cut.flac"
    tone = _tone(440, 4.0, 44_100)
    sf.write(path, tone, 44_100)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    audio = load_audio(path)
    assert 1.5 * 44_100 < audio.size < 2.5 * 44_100
    np.testing.assert_allclose(audio, tone[: audio.size], atol=1e-4)


def test_garbage_and_text_files_are_refused_clearly(tmp_path):
    text = tmp_path / "notes.wav"
    text.write_text("bar 12: rushed\n" * 100)
    noise = tmp_path / "noise.flac"
    noise.write_bytes(np.random.default_rng(1).bytes(5000))
    for path in (text, noise):
        with pytest.raises(AudioFileError, match="not an audio file Pianoscope can read"):
            load_audio(path)


def test_wav_with_corrupt_header_fields_is_refused(tmp_path):
    path = tmp_path / "bad.wav"
    sf.write(path, _tone(440, 0.2, 44_100), 44_100, subtype="PCM_16")
    data = bytearray(path.read_bytes())
    data[22:24] = struct.pack("<H", 0)  # zero channels
    path.write_bytes(bytes(data))
    with pytest.raises(AudioFileError):
        load_audio(path)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_samples_are_refused_with_their_time(tmp_path, bad):
    samples = _tone(440, 2.0, 44_100)
    samples[66_150] = bad
    path = tmp_path / "nan.wav"
    sf.write(path, samples, 44_100, subtype="FLOAT")
    with pytest.raises(AudioFileError, match=r"NaN or infinity\) at 1\.50 s"):
        load_audio(path)


def test_missing_file_and_folder_are_refused(tmp_path):
    with pytest.raises(AudioFileError, match="does not exist"):
        load_audio(tmp_path / "nowhere.wav")
    with pytest.raises(AudioFileError, match="is a folder"):
        load_audio(tmp_path)


def test_probe_reports_header_facts(tmp_path):
    path = tmp_path / "p.flac"
    sf.write(path, np.zeros((48_000, 2), np.float32), 48_000)
    info = probe_audio(path)
    assert (info.sample_rate_hz, info.channels, info.frames) == (48_000, 2, 48_000)
    assert info.duration_s == pytest.approx(1.0)


def test_long_file_loads_in_bounded_blocks(tmp_path):
    """Ten minutes at 48 kHz stereo come out in blocks of about ten seconds, never whole."""
    path = tmp_path / "long.flac"
    rate = 48_000
    with sf.SoundFile(path, "w", rate, 2, subtype="PCM_16") as handle:
        minute = np.zeros((60 * rate, 2), np.float32)
        for _ in range(10):
            handle.write(minute)
    sizes = [block.size for block in iter_audio_blocks(path)]
    assert sum(sizes) == 10 * 60 * 44_100
    assert max(sizes) <= 10 * 44_100 + 1


def test_a_recording_longer_than_the_load_limit_is_refused_clearly(tmp_path):
    """A small file may decode to hours (an hour of silence at 1 kHz is 11 KB of FLAC): loading
    stops with a clear error once the limit is passed, instead of filling the memory."""
    path = tmp_path / "hour.flac"
    with sf.SoundFile(path, "w", 1_000, 1, subtype="PCM_16") as handle:
        for _ in range(60):
            handle.write(np.zeros(60_000, np.float32))
    assert path.stat().st_size < 20_000
    with pytest.raises(AudioFileError, match=r"hour\.flac is longer than 10 minutes"):
        load_audio(path, max_duration_s=600)
    assert load_audio(path, sample_rate_hz=1_000, max_duration_s=3_600).size == 3_600_000


def test_loading_is_thread_safe_for_separate_files(tmp_path):
    paths = []
    for i in range(4):
        path = tmp_path / f"t{i}.wav"
        sf.write(path, _tone(200 + 100 * i, 0.5, 32_000), 32_000)
        paths.append(path)
    results: dict[int, float] = {}

    def load(i: int, path: Path) -> None:
        results[i] = _dominant_freq_hz(load_audio(path), 44_100)

    threads = [threading.Thread(target=load, args=(i, p)) for i, p in enumerate(paths)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i in range(4):
        assert results[i] == pytest.approx(200 + 100 * i, abs=3)


def test_write_audio_to_missing_folder_fails_clearly(tmp_path):
    with pytest.raises(AudioFileError, match="Could not write"):
        write_audio(tmp_path / "no" / "such" / "dir.wav", np.zeros(10))


def test_header_claiming_many_channels_is_read_in_bounded_blocks(tmp_path):
    """Memory is bounded by samples, not seconds: 200 channels at 96 kHz stay small."""
    path = tmp_path / "many.wav"
    sf.write(path, np.zeros((96_000, 200), np.float32), 96_000, subtype="PCM_16")
    sizes = [block.size for block in iter_audio_blocks(path)]
    assert sum(sizes) == 44_100
    input_samples_per_block = max(sizes) * 96_000 / 44_100 * 200
    assert input_samples_per_block <= 4_000_000 * 1.01


@pytest.mark.parametrize("rate", [44_101, 7_919])
def test_odd_sample_rates_resample_quickly_and_keep_the_pitch(tmp_path, rate):
    path = tmp_path / "odd.wav"
    sf.write(path, _tone(440, 2.0, rate), rate, subtype="FLOAT")
    audio = load_audio(path)
    assert audio.size == pytest.approx(2 * 44_100, rel=1e-3)
    assert _dominant_freq_hz(audio, 44_100) == pytest.approx(440, abs=1)


def test_impossible_sample_rate_is_refused(tmp_path):
    path = tmp_path / "fast.wav"
    data = bytearray(_wav_bytes())
    data[24:28] = struct.pack("<I", 50_000_000)
    path.write_bytes(bytes(data))
    with pytest.raises(AudioFileError, match="not a rate of recorded sound"):
        load_audio(path)


def _wav_bytes() -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, _tone(440, 0.1, 44_100), 44_100, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def test_a_long_recording_loads_in_about_its_own_size_of_memory(tmp_path):
    """Blocks kept and then joined would take twice the audio at the join."""
    path = tmp_path / "five-minutes.wav"
    with sf.SoundFile(path, "w", 44_100, 1, subtype="PCM_16") as handle:
        for _ in range(5):
            handle.write(_tone(440, 60.0, 44_100))
    tracemalloc.start()
    try:
        samples = load_audio(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert samples.size == 5 * 60 * 44_100
    assert peak < 1.25 * samples.nbytes


def test_a_header_that_claims_too_little_loads_the_whole_recording(tmp_path, monkeypatch):
    """The array grows past the header's length (here a header read as one second of 30):
    every sample read is kept, in order."""
    path = tmp_path / "thirty-seconds.wav"
    tone = _tone(440, 30.0, 44_100)
    sf.write(path, tone, 44_100, subtype="FLOAT")
    real_info = fileio._info
    monkeypatch.setattr(
        fileio, "_info", lambda p, handle: dataclasses.replace(real_info(p, handle), frames=44_100)
    )
    assert np.array_equal(load_audio(path), tone)
