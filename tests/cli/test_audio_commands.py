"""`pianoscope devices` and `pianoscope record` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from pianoscope.audio.fileio import load_audio
from pianoscope.audio.recorder import read_sidecar
from pianoscope.resources_path import demo_recording_path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pianoscope", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.pulse
def test_devices_lists_the_virtual_microphone(virtual_mic):
    finished = _run("devices")
    assert finished.returncode == 0
    assert virtual_mic in finished.stdout


@pytest.mark.pulse
def test_record_from_the_microphone_writes_the_take_and_sidecar(virtual_mic, tmp_path):
    out = tmp_path / "mic.flac"
    finished = _run(
        "record",
        str(out),
        "--seconds",
        "1.5",
        "--device",
        virtual_mic,
        "--student",
        "Ada",
        "--piece",
        "Scales",
    )
    assert finished.returncode == 0, finished.stderr
    assert "0 overflows" in finished.stdout
    assert load_audio(out).size == pytest.approx(1.5 * 44_100, abs=1)
    metadata = read_sidecar(out)
    assert (metadata.device, metadata.student, metadata.piece) == (virtual_mic, "Ada", "Scales")


def test_record_with_unknown_device_says_what_exists(virtual_mic, tmp_path):
    finished = _run("record", str(tmp_path / "x.flac"), "--seconds", "1", "--device", "Bösendorfer")
    assert finished.returncode == 2
    assert "no sound input called 'Bösendorfer'" in finished.stderr
    assert "Available:" in finished.stderr
    assert not (tmp_path / "x.flac").exists()


def test_record_from_file_shows_progress_and_exits_zero(tmp_path):
    out = tmp_path / "demo.wav"
    finished = _run(
        "record",
        str(out),
        "--seconds",
        "2",
        "--from-file",
        str(demo_recording_path()),
        "--speed",
        "inf",
    )
    assert finished.returncode == 0, finished.stderr
    assert "Recording" in finished.stderr  # first progress line is always shown
    assert load_audio(out).size == 2 * 44_100


def test_record_keeps_the_calibration_asked_for_and_analyse_reads_the_take_with_it(tmp_path):
    out = tmp_path / "calibrated.flac"
    demo = str(demo_recording_path())
    finished = _run(
        "record", str(out), "--seconds", "3", "--from-file", demo, "--speed", "inf",
        "--calibration-db", "-12",
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    assert read_sidecar(out).calibration == {"kind": "mf", "offset_db": -12.0}
    report = tmp_path / "calibrated.json"
    assert _run("analyse", str(out), "--json", str(report)).returncode == 0
    assert json.loads(report.read_text())["summary"]["calibration"]["offset_db"] == -12.0
    unmeasurable = _run(
        "record", str(tmp_path / "never.flac"), "--seconds", "3", "--from-file", demo,
        "--calibrate-from", str(tmp_path / "missing.wav"),
    )  # fmt: skip
    assert unmeasurable.returncode == 2
    assert "Traceback" not in unmeasurable.stderr
    assert not (tmp_path / "never.flac").exists()


def test_a_file_longer_than_the_ring_recorded_at_full_speed_keeps_every_sample(tmp_path):
    """At --speed inf the file used to run more than the 30 s ring ahead of the recorder, which
    wrote what the ring had overrun as silence."""
    played = np.random.default_rng(3).uniform(-0.5, 0.5, 45 * 44_100).astype(np.float32)
    source = tmp_path / "long.wav"
    sf.write(source, played, 44_100, subtype="FLOAT")
    out = tmp_path / "take.wav"
    finished = _run(
        "record", str(out), "--seconds", "60", "--from-file", str(source), "--speed", "inf"
    )
    assert finished.returncode == 0, finished.stderr
    recorded, rate = sf.read(out, dtype="float32")
    assert rate == 44_100 and recorded.size == played.size
    np.testing.assert_array_equal(recorded, played)
    assert read_sidecar(out).lost_samples == 0


def test_no_sound_system_at_all_is_explained(tmp_path):
    """With no reachable sound server, PortAudio lists no input: say so, record nothing."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_SERVER": "unix:/nonexistent"}
    devices = subprocess.run(
        [sys.executable, "-m", "pianoscope", "devices"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert devices.returncode == 1
    assert "No sound inputs found" in devices.stdout
    record = subprocess.run(
        [sys.executable, "-m", "pianoscope", "record", str(tmp_path / "x.flac"), "--seconds", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert record.returncode == 2
    assert "No microphone or sound input was found" in record.stderr
    assert not list(tmp_path.glob("x.flac*"))
