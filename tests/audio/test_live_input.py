"""Live input through the real PortAudio path, with PulseAudio's null sink as the microphone."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from support.waiting import wait_until

from pianoscope.app.recording import record_take
from pianoscope.audio.devices import list_input_devices, resolve_input_device
from pianoscope.audio.fileio import load_audio
from pianoscope.audio.live_input import LiveInput
from pianoscope.errors import AudioDeviceError
from pianoscope.resources_path import demo_recording_path

pytestmark = pytest.mark.pulse
REPO = Path(__file__).resolve().parents[2]
RATE = 44_100
CLIP_S = 8.0
SEARCH = 4_000


@pytest.fixture(scope="module")
def piano_clip(tmp_path_factory) -> tuple[np.ndarray, str]:
    """The first seconds of the bundled FluidR3 piano recording, as a WAV for paplay."""
    clip = load_audio(demo_recording_path())[: int(CLIP_S * RATE)]
    path = tmp_path_factory.mktemp("clip") / "clip.wav"
    sf.write(path, clip, RATE, subtype="FLOAT")
    return clip, str(path)


def _wait_for_callbacks(source: LiveInput, count: int = 5) -> None:
    wait_until(
        lambda: source.callback_count >= count,
        30,
        f"the virtual microphone delivered {count} blocks",
    )


def _windowed_ncc(original: np.ndarray, recorded: np.ndarray) -> list[float]:
    """NCC of each 1 s window of `original` with its best local match in `recorded`."""
    spectrum = np.fft.rfft(recorded, 2 * recorded.size) * np.conj(
        np.fft.rfft(original, 2 * recorded.size)
    )
    lag = int(np.argmax(np.fft.irfft(spectrum)[: recorded.size]))
    scores = []
    for start in range(0, original.size - RATE + 1, RATE):
        window = original[start : start + RATE]
        if np.sqrt(np.mean(window**2)) < 1e-3:
            continue
        lo = max(0, lag + start - SEARCH)
        segment = recorded[lo : lag + start + RATE + SEARCH]
        corr = np.correlate(segment, window, mode="valid")
        energy = np.convolve(segment**2, np.ones(RATE), mode="valid")
        ncc = corr / np.sqrt(energy * np.sum(window**2) + 1e-20)
        scores.append(float(np.max(ncc)))
    return scores


def test_pulse_device_is_listed(virtual_mic):
    names = [device.name for device in list_input_devices()]
    assert virtual_mic in names
    assert resolve_input_device(virtual_mic).max_input_channels >= 1


def test_recording_through_portaudio_matches_the_played_clip(virtual_mic, piano_clip, tmp_path):
    original, clip_path = piano_clip
    source = LiveInput(device=virtual_mic, block_frames=512)
    out = tmp_path / "take.flac"
    reports = []
    recording = threading.Thread(
        target=lambda: reports.append(record_take(source, out, seconds=CLIP_S + 3.0))
    )
    recording.start()
    _wait_for_callbacks(source)
    subprocess.run(["paplay", clip_path], check=True, timeout=30)
    recording.join(timeout=60)
    assert not recording.is_alive()
    report = reports[0]
    assert report.problem is None
    assert report.sample_rate_hz == RATE
    assert report.overflow_count == 0
    recorded = load_audio(out)
    assert recorded.size == pytest.approx((CLIP_S + 3.0) * RATE, abs=2)
    scores = _windowed_ncc(original, recorded)
    assert len(scores) >= CLIP_S - 1
    assert min(scores) >= 0.9


def test_unknown_device_raises_a_readable_error(virtual_mic):
    with pytest.raises(AudioDeviceError, match="no sound input called 'Steinway USB'"):
        LiveInput(device="Steinway USB").start()
    with pytest.raises(AudioDeviceError, match="no sound input number 97"):
        LiveInput(device=97).start()


def test_unsupported_sample_rate_raises_a_readable_error(virtual_mic):
    with pytest.raises(AudioDeviceError, match=r"cannot record at 1234567 Hz"):
        LiveInput(device=virtual_mic, sample_rate_hz=1_234_567).start()


def test_missing_channel_raises_a_readable_error(virtual_mic):
    with pytest.raises(AudioDeviceError, match="channel 99 does not exist"):
        LiveInput(device=virtual_mic, channel=98).start()


def test_other_sample_rate_is_accepted_and_reported(virtual_mic):
    source = LiveInput(device=virtual_mic, sample_rate_hz=48_000)
    source.start()
    try:
        _wait_for_callbacks(source)
        assert source.sample_rate_hz == 48_000
    finally:
        source.stop()


def test_chosen_channel_and_block_size_are_used(virtual_mic):
    source = LiveInput(device=virtual_mic, channel=1, block_frames=256)
    source.start()
    try:
        _wait_for_callbacks(source, count=20)
        assert source.ring.written >= 20 * 256
        assert source.ring.written % 256 == 0
    finally:
        source.stop()


def test_device_vanishing_mid_take_keeps_the_recording(virtual_mic, piano_clip, tmp_path):
    """Stopping PulseAudio mid-take: a clear error, and the audio recorded so far is kept."""
    _, clip_path = piano_clip
    source = LiveInput(device=virtual_mic, stall_timeout_s=1.0)
    out = tmp_path / "cut.flac"
    reports = []
    recording = threading.Thread(
        target=lambda: reports.append(record_take(source, out, seconds=30.0))
    )
    recording.start()
    _wait_for_callbacks(source)
    heard_from = source.ring.written
    player = subprocess.Popen(["paplay", clip_path])
    try:

        def piano_heard_for_2_s() -> bool:
            heard = source.ring.written - heard_from
            return heard >= 2 * RATE and np.max(np.abs(source.ring.latest(heard).samples)) > 0.01

        wait_until(piano_heard_for_2_s, 60, "the take holds 2 s with the piano playing")
        subprocess.run(["pulseaudio", "-k"], check=False)
        recording.join(timeout=60)
        assert not recording.is_alive()
        report = reports[0]
        assert report.problem is not None
        assert "unplugged" in report.problem
        assert report.recording.path == out
        kept = load_audio(out)
        assert 2 * RATE <= kept.size < 30 * RATE  # what came before the loss; ended early
        assert np.max(np.abs(kept)) > 0.01, "the piano played before the loss must be in the take"
    finally:
        player.kill()
        player.wait()
        subprocess.run([str(REPO / "scripts" / "virtual_mic.sh"), "start"], check=True)
