"""The recorder: complete takes, crash safety (kill -9), a full disk, sidecar metadata."""

from __future__ import annotations

import json
import math
import os
import resource
import signal
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf
from support.crash_takes import journal_frames, start_demo_take
from support.waiting import wait_until

from pianoscope.app.recording import record_take
from pianoscope.audio.file_source import FileSource
from pianoscope.audio.fileio import load_audio
from pianoscope.audio.recorder import (
    Recorder,
    find_interrupted,
    journal_path,
    read_sidecar,
    recover,
    sidecar_path,
)
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.errors import RecordingError
from pianoscope.resources_path import demo_recording_path

RATE = 44_100


@pytest.fixture(scope="module")
def demo() -> np.ndarray:
    return load_audio(demo_recording_path())


@pytest.mark.parametrize("suffix", [".flac", ".wav"])
def test_take_from_file_source_is_sample_exact(tmp_path, demo, suffix):
    out = tmp_path / f"take{suffix}"
    report = record_take(
        FileSource(demo_recording_path(), speed=math.inf),
        out,
        seconds=5.0,
        student="Ada",
        piece="Clair de lune",
    )
    assert report.problem is None
    recorded = load_audio(out)
    assert recorded.size == 5 * RATE
    np.testing.assert_allclose(recorded, demo[: 5 * RATE], atol=2e-5)  # 24-bit FLAC
    metadata = read_sidecar(out)
    assert (metadata.student, metadata.piece, metadata.state) == (
        "Ada",
        "Clair de lune",
        "complete",
    )
    assert metadata.sample_rate_hz == RATE
    assert metadata.duration_s == pytest.approx(5.0)
    assert not journal_path(out).exists()


def test_existing_file_is_never_overwritten(tmp_path):
    out = tmp_path / "take.flac"
    out.write_bytes(b"precious")
    with pytest.raises(RecordingError, match="already exists"):
        Recorder(RingBuffer(100), out, sample_rate_hz=RATE).start()
    assert out.read_bytes() == b"precious"


def test_unsupported_extension_is_refused(tmp_path):
    with pytest.raises(RecordingError, match=r"\.flac or \.wav"):
        Recorder(RingBuffer(100), tmp_path / "take.mp3", sample_rate_hz=RATE)


def test_unwritable_folder_is_refused_clearly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(RecordingError, match="Cannot record to"):
        Recorder(RingBuffer(100), blocker / "take.flac", sample_rate_hz=RATE).start()


def test_recording_survives_kill_9_keeping_what_the_journal_held(tmp_path, demo):
    """Killed mid-take, the journal opens as it is and holds at least what it showed before.

    How much a crash loses against the wall clock (the README's "at most about one second") is a
    timing figure and is measured by `bench/bench_audio.py`, not here.
    """
    out = tmp_path / "killed.flac"
    process = start_demo_take(out, student="Ada", piece="Etude")
    journal = journal_path(out)
    try:
        wait_until(
            lambda: journal_frames(out) >= 2 * RATE,
            timeout_s=60,
            what="the recorder's journal holds 2 s of the take",
        )
        shown = journal_frames(out)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    assert not out.exists()
    kept = load_audio(journal)  # the journal opens as it is
    assert kept.size >= shown >= 2 * RATE
    np.testing.assert_allclose(kept, demo[: kept.size], atol=1e-6)
    assert find_interrupted(tmp_path) == [out]

    result = recover(out)
    assert result.path == out
    assert load_audio(out).size == kept.size
    metadata = json.loads(sidecar_path(out).read_text())
    assert metadata["state"] == "recovered"
    assert (metadata["student"], metadata["piece"]) == ("Ada", "Etude")
    assert find_interrupted(tmp_path) == []


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))


def test_full_disk_closes_and_keeps_the_take_and_says_so(tmp_path, demo):
    """An OS-level write failure (file size limit: EFBIG) mid-take ends it cleanly."""
    out = tmp_path / "full.flac"
    command = [
        sys.executable,
        "-m",
        "pianoscope",
        "record",
        str(out),
        "--seconds",
        "20",
        "--from-file",
        str(demo_recording_path()),
        "--speed",
        "8",
    ]
    finished = subprocess.run(
        command,
        preexec_fn=_limit_file_size,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2
    assert "could not write" in finished.stderr
    assert "are kept" in finished.stderr
    kept = load_audio(out)
    assert 4.0 * RATE < kept.size < 6.0 * RATE
    np.testing.assert_allclose(kept, demo[: kept.size], atol=2e-5)
    assert not journal_path(out).exists()


def test_sidecar_that_is_not_json_is_reported(tmp_path):
    out = tmp_path / "x.flac"
    sidecar_path(out).write_text("{not json")
    with pytest.raises(RecordingError, match="unreadable"):
        read_sidecar(out)


def test_recorder_reports_lost_samples_as_silence_not_gaps(tmp_path):
    ring = RingBuffer(1_000)
    out = tmp_path / "lag.wav"
    recorder = Recorder(ring, out, sample_rate_hz=RATE, chunk_s=10.0, from_start=True)
    recorder.start()
    ring.write(np.ones(5_000, np.float32))
    result = recorder.stop()
    audio, _ = sf.read(out, dtype="float32")
    assert result.lost_samples == 4_000
    assert audio.size == 5_000
    assert np.all(audio[:4_000] == 0) and np.all(audio[4_000:] == 1)


def test_journal_header_is_valid_while_recording(tmp_path):
    ring = RingBuffer(RATE)
    out = tmp_path / "live.wav"
    recorder = Recorder(ring, out, sample_rate_hz=RATE, chunk_s=0.01, from_start=True)
    recorder.start()
    try:
        for i in range(5):
            ring.write(np.full(1_000, i / 10, np.float32))
            wait_until(
                lambda i=i: journal_frames(out) >= (i + 1) * 1_000,
                timeout_s=10,
                what=f"the journal header counts block {i + 1}",
            )
    finally:
        recorder.stop()
    assert os.path.getsize(out) == 44 + 5_000 * 4


def test_paused_audio_is_left_out_of_the_take(tmp_path):
    ring = RingBuffer(RATE)
    out = tmp_path / "paused.wav"
    recorder = Recorder(ring, out, sample_rate_hz=RATE, chunk_s=0.01, from_start=True)
    recorder.start()
    try:

        def write_and_wait_until_taken(value: float, *, kept: int) -> None:
            """Write 1000 samples of `value`; return once the recorder has read them, and the
            journal holds `kept` frames."""
            ring.write(np.full(1_000, value, np.float32))
            target = ring.written

            def taken() -> bool:
                return (
                    recorder.consumed_index >= target and round(recorder.elapsed_s * RATE) == kept
                )

            wait_until(
                taken,
                timeout_s=10,
                what=f"the recorder took the {value} block and kept {kept} frames",
            )

        write_and_wait_until_taken(0.1, kept=1_000)
        recorder.pause()
        write_and_wait_until_taken(0.2, kept=1_000)  # read while paused: passed over
        recorder.resume()
        write_and_wait_until_taken(0.3, kept=2_000)
    finally:
        recorder.stop()
    audio, _ = sf.read(out, dtype="float32")
    np.testing.assert_allclose(np.unique(audio), [0.1, 0.3], atol=1e-6)
    assert audio.size == 2_000


def test_sidecar_keeps_the_calibration_and_older_sidecars_have_none(tmp_path):
    ring = RingBuffer(RATE)
    out = tmp_path / "calibrated.wav"
    calibration = {"kind": "mf", "offset_db": -12.5}
    recorder = Recorder(ring, out, sample_rate_hz=RATE, calibration=calibration, from_start=True)
    recorder.start()
    ring.write(np.zeros(1_000, np.float32))
    recorder.stop()
    assert read_sidecar(out).calibration == calibration
    older = tmp_path / "older.flac"
    sidecar_path(older).write_text(
        json.dumps({"started_at": "2026-01-05T10:00:00+00:00", "device": "mic",
                    "sample_rate_hz": 48000, "format": "FLAC", "state": "complete"})
    )  # fmt: skip
    assert read_sidecar(older).calibration is None
    for bad in ("loud", {"offset_db": "x" * 100}, {"levels_db": [1.0] * 20}, {"a": {"b": 1}}):
        sidecar_path(older).write_text(
            json.dumps({"started_at": "", "device": "", "sample_rate_hz": 48000,
                        "format": "FLAC", "calibration": bad})
        )  # fmt: skip
        with pytest.raises(RecordingError, match="calibration"):
            read_sidecar(older)
