"""The live engine without any GUI: frames, spectrogram, statistics, recording, failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from support.waiting import wait_until

from pianoscope.app.live.engine import LiveEngine
from pianoscope.app.live.session import InputChoice, open_source
from pianoscope.app.live.settings import LiveSettings
from pianoscope.audio.file_source import FileSource
from pianoscope.audio.fileio import load_audio
from pianoscope.audio.recorder import read_sidecar

RATE = 44_100


@pytest.fixture()
def a4_tone(tmp_path):
    t = np.arange(4 * RATE) / RATE
    tone = sum(0.3 / n * np.sin(2 * np.pi * 440.0 * n * t) for n in range(1, 6)) * np.exp(-t / 2)
    path = tmp_path / "a4.wav"
    sf.write(path, tone.astype(np.float32), RATE, subtype="FLOAT")
    return path


@pytest.mark.parametrize("in_process", [False, True], ids=["thread", "process"])
def test_engine_publishes_frames_with_the_played_note(a4_tone, in_process):
    engine = LiveEngine(
        FileSource(a4_tone, loop=True),  # the analysis process may start after the first note
        LiveSettings(fft_size=8192, hop_frames=1024),
        analysis_process=in_process,
    )
    engine.start()
    try:
        wait_until(lambda: engine.stats().frames_analysed >= 20, 30, "20 frames are analysed")
        frame = engine.latest_frame
        assert frame.pitch is not None
        assert frame.pitch.note == "A4"
        assert abs(frame.pitch.cents) < 2
        assert frame.spectrum_db.shape == (8192 // 2 + 1,)
        assert not frame.spectrum_db.flags.writeable
        assert np.all(frame.peak_hold_db >= frame.spectrum_db - 1e-3)
        assert frame.freq_hz[np.argmax(frame.spectrum_db)] == pytest.approx(440, abs=6)
        assert any(abs(p.freq_hz - 880) < 2 for p in frame.partials)
        assert engine.spectrogram.count >= 20
        image = engine.spectrogram.image()
        assert image.shape == (engine.spectrogram.columns, 384)
        stats = engine.stats()
        assert stats.overflow_count == 0
        # Measured, not bounded here: the latency figures are bench/bench_live.py's business.
        assert 0 < stats.latency_p50_ms <= stats.latency_p99_ms
        timings = engine.recent_timings()
        assert len(timings) == stats.frames_analysed
        assert all(t.arrived_s <= t.started_s <= t.published_s for t in timings)
        assert (engine.analysis_pid not in (None, os.getpid())) == in_process
    finally:
        engine.stop()


def test_spectrogram_row_holds_the_tone_frequency(a4_tone):
    engine = LiveEngine(FileSource(a4_tone))
    engine.start()
    try:
        wait_until(lambda: engine.spectrogram.count >= 20, 30, "20 spectrogram columns are in")
        column = engine.spectrogram.image()[-1]
        rows = engine.spectrogram.rows_hz
        loudest = int(np.argmax(column))
        assert rows[loudest] <= 440 <= rows[loudest + 1]
    finally:
        engine.stop()


def test_engine_records_what_it_analyses(tmp_path):
    engine = LiveEngine(open_source(InputChoice.demo()))
    engine.start()
    try:
        path = tmp_path / "Ada Lovelace" / "take.flac"
        engine.start_recording(path, student="Ada Lovelace", piece="Für Elise / Bagatelle")
        wait_until(lambda: engine.stats().recording_s >= 1.5, 30, "the take holds 1.5 s of audio")
        result = engine.stop_recording()
    finally:
        engine.stop()
    assert result.path == path
    recorded = load_audio(path).size
    assert recorded >= 1.5 * RATE
    assert recorded == round(result.duration_s * RATE)
    assert read_sidecar(path).piece == "Für Elise / Bagatelle"


def test_failing_source_is_reported_and_the_take_is_kept(tmp_path):
    samples = (0.2 * np.sin(2 * np.pi * 220 * np.arange(3 * RATE) / RATE)).astype(np.float32)
    samples[int(1.5 * RATE)] = np.nan
    damaged = tmp_path / "damaged.wav"
    sf.write(damaged, samples, RATE, subtype="FLOAT")
    engine = LiveEngine(FileSource(damaged, speed=2.0))
    engine.start()
    engine.start_recording(tmp_path / "take.flac")
    try:
        wait_until(lambda: engine.problem is not None, 30, "the engine reports the damaged input")
    finally:
        engine.stop()
    assert "NaN or infinity" in engine.problem
    assert "take.flac" in engine.problem
    assert not engine.recording
    assert load_audio(tmp_path / "take.flac").size > 0.5 * RATE


@pytest.mark.parametrize("in_process", [False, True], ids=["thread", "process"])
def test_settings_change_takes_effect_while_running(a4_tone, in_process):
    engine = LiveEngine(FileSource(a4_tone, loop=True), analysis_process=in_process)
    engine.start()
    try:
        wait_until(lambda: engine.latest_frame is not None, 30, "a first frame is published")
        engine.apply_settings(LiveSettings(fft_size=4096, window_name="blackman-harris"))
        wait_until(
            lambda: engine.latest_frame.spectrum_db.size == 4096 // 2 + 1,
            30,
            "frames use the new FFT size",
        )
    finally:
        engine.stop()


def test_analysis_process_that_dies_is_reported_and_stop_frees_its_memory(a4_tone):
    before = set(Path("/dev/shm").iterdir())
    engine = LiveEngine(FileSource(a4_tone, loop=True), analysis_process=True)
    engine.start()
    try:
        wait_until(lambda: engine.latest_frame is not None, 30, "a first frame is published")
        shared = set(Path("/dev/shm").iterdir()) - before
        assert len(shared) == 2  # the ring and the mailbox
        os.kill(engine.analysis_pid, signal.SIGKILL)
        wait_until(lambda: engine.problem is not None, 30, "the lost analysis is reported")
        assert "stopped unexpectedly" in engine.problem
    finally:
        engine.stop()
    assert not any(path.exists() for path in shared)


DISK_FULL_SCRIPT = """
import math, resource, signal, sys, time
from pianoscope.app.live.engine import LiveEngine
from pianoscope.audio.file_source import FileSource
from pianoscope.resources_path import demo_recording_path
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (600_000, 600_000))
engine = LiveEngine(FileSource(demo_recording_path(), speed=8.0, loop=True), load_classifier=None)
engine.start()
engine.start_recording(sys.argv[1])
def wait_until(predicate, timeout_s):
    deadline = time.monotonic() + timeout_s
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.005)  # polls the condition, as tests/support/waiting.py does
wait_until(lambda: engine.problem is not None, 60)
frames = engine.stats().frames_analysed
wait_until(lambda: engine.stats().frames_analysed > frames + 10, 60)
still_running = engine.running and engine.stats().frames_analysed > frames + 10
engine.stop()
print(engine.problem)
print("running" if still_running else "stopped")
"""


def test_full_disk_while_recording_is_reported_and_the_engine_keeps_running(tmp_path):
    """An OS-level write failure (file size limit) ends the take, keeps it, and says so."""
    out = tmp_path / "full.flac"
    finished = subprocess.run(
        [sys.executable, "-c", DISK_FULL_SCRIPT, str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    problem, state = finished.stdout.strip().splitlines()[-2:]
    assert "could not write" in problem and "are kept" in problem
    assert state == "running"
    kept = load_audio(out)
    assert 2.0 * RATE < kept.size < 4.5 * RATE
