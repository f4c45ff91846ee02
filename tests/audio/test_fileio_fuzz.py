"""Fuzzing the audio loaders: every input loads correctly or raises AudioFileError, quickly.

Inputs are mutations (truncation, overwritten bytes, inserted bytes) of small valid WAV, float
WAV, FLAC and OGG files, plus raw random bytes under audio extensions. The number tried is
printed at the end of the module.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pianoscope.audio.fileio import load_audio, probe_audio
from pianoscope.errors import AudioFileError

HARNESS = Path(__file__).with_name("atheris_loaders.py")
TIME_BOUND_S = 5.0
TRIED = {"inputs": 0, "loaded": 0, "refused": 0}


def _seed(format_: str, subtype: str, rate: int = 22_050, channels: int = 1) -> bytes:
    t = np.arange(rate // 4) / rate
    tone = (0.4 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    data = np.stack([tone] * channels, axis=1)
    buffer = io.BytesIO()
    sf.write(buffer, data, rate, format=format_, subtype=subtype)
    return buffer.getvalue()


SEEDS = {
    ".wav": _seed("WAV", "PCM_16"),
    ".flac": _seed("FLAC", "PCM_16", channels=2),
    ".ogg": _seed("OGG", "VORBIS"),
    ".aiff": _seed("AIFF", "PCM_24", rate=48_000),
    ".float.wav": _seed("WAV", "FLOAT"),
}

mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "insert", "truncate"]),
        st.integers(0, 1 << 16),
        st.binary(min_size=1, max_size=8),
    ),
    min_size=1,
    max_size=6,
)


def _mutate(data: bytes, steps) -> bytes:
    buffer = bytearray(data)
    for kind, position, payload in steps:
        position %= max(1, len(buffer))
        if kind == "flip":
            buffer[position : position + len(payload)] = payload
        elif kind == "insert":
            buffer[position:position] = payload
        else:
            del buffer[position:]
    return bytes(buffer)


def _check_loads_or_refuses(path) -> None:
    TRIED["inputs"] += 1
    started = time.monotonic()
    try:
        audio = load_audio(path)
    except AudioFileError as error:
        assert str(error)
        TRIED["refused"] += 1
    else:
        assert audio.dtype == np.float32 and audio.ndim == 1
        assert np.all(np.isfinite(audio))
        TRIED["loaded"] += 1
    assert time.monotonic() - started < TIME_BOUND_S


def test_a_flac_whose_header_claims_fewer_frames_than_it_holds_loads_or_is_refused(tmp_path):
    # Found by the fuzzer below (2026-12-01): soundfile failed to size its buffer (ValueError).
    path = tmp_path / "fuzz.flac"
    path.write_bytes(_mutate(SEEDS[".flac"], [("insert", 47, b"\x00\x00\x00")]))
    _check_loads_or_refuses(path)


@pytest.mark.parametrize("suffix", sorted(SEEDS))
@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=mutations)
def test_mutated_recordings_load_or_raise_the_documented_error(tmp_path, suffix, steps):
    path = tmp_path / f"fuzz{suffix.replace('.float', '')}"
    path.write_bytes(_mutate(SEEDS[suffix], steps))
    _check_loads_or_refuses(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=4096), suffix=st.sampled_from([".wav", ".flac", ".ogg", ".mp3"]))
def test_random_bytes_load_or_raise_the_documented_error(tmp_path, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    _check_loads_or_refuses(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=mutations)
def test_probe_never_fails_with_anything_but_audio_file_error(tmp_path, steps):
    path = tmp_path / "probe.flac"
    path.write_bytes(_mutate(SEEDS[".flac"], steps))
    TRIED["inputs"] += 1
    try:
        info = probe_audio(path)
    except AudioFileError:
        TRIED["refused"] += 1
    else:
        assert info.sample_rate_hz > 0 and info.channels > 0
        TRIED["loaded"] += 1


def test_coverage_guided_fuzzing_with_atheris_finds_no_crash(tmp_path):
    """atheris mutates the valid seeds for a bounded number of runs; any other exception fails."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index, (suffix, data) in enumerate(sorted(SEEDS.items())):
        selector = [".wav", ".flac", ".ogg", ".aiff"].index(suffix.replace(".float", ""))
        (corpus / f"seed{index}").write_bytes(bytes([selector]) + data)
    runs = 1500
    finished = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            f"-runs={runs}",
            "-max_len=16384",
            "-timeout=10",
            "-seed=1",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={tmp_path}/",
            str(corpus),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    done = re.search(r"Done (\d+) runs", finished.stderr)
    assert done and int(done.group(1)) >= runs
    TRIED["inputs"] += int(done.group(1))
    print(f"\natheris: {done.group(1)} runs without a crash")


def test_report_how_many_inputs_were_tried():
    print(
        f"\naudio loader fuzz: {TRIED['inputs']} inputs, {TRIED['loaded']} loaded, "
        f"{TRIED['refused']} refused with AudioFileError"
    )
    assert TRIED["inputs"] >= 800
