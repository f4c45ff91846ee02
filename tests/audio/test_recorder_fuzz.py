"""Fuzzing the recording sidecar: any JSON either validates or raises RecordingError."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pianoscope.audio.recorder import RecordingMetadata, read_sidecar, sidecar_path
from pianoscope.errors import RecordingError

TRIED = {"inputs": 0, "valid": 0}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
VALID = {
    "started_at": "2026-11-26T14:00:00+00:00",
    "device": "pulse",
    "sample_rate_hz": 44_100,
    "format": "FLAC",
    "state": "complete",
    "student": "Ada",
    "piece": None,
    "duration_s": 12.5,
    "lost_samples": 0,
}
sidecars = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(sorted(VALID)), json_values, max_size=9),
    st.builds(
        lambda key, value: {**VALID, key: value}, st.sampled_from(sorted(VALID)), json_values
    ),
)


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=sidecars)
def test_sidecar_validates_or_raises_recording_error(tmp_path, document):
    take = tmp_path / "take.flac"
    sidecar_path(take).write_text(json.dumps(document))
    TRIED["inputs"] += 1
    try:
        metadata = read_sidecar(take)
    except RecordingError:
        return
    TRIED["valid"] += 1
    assert isinstance(metadata, RecordingMetadata)
    assert isinstance(metadata.sample_rate_hz, int) and metadata.sample_rate_hz >= 1_000
    assert metadata.format in {"FLAC", "WAV"}
    assert metadata.student is None or isinstance(metadata.student, str)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=300))
def test_sidecar_bytes_that_are_not_json_raise_recording_error(tmp_path, raw):
    take = tmp_path / "take.wav"
    sidecar_path(take).write_bytes(raw)
    TRIED["inputs"] += 1
    try:
        read_sidecar(take)
    except RecordingError:
        return
    TRIED["valid"] += 1


def test_the_valid_sidecar_is_accepted(tmp_path):
    take = tmp_path / "take.flac"
    sidecar_path(take).write_text(json.dumps(VALID))
    assert read_sidecar(take) == RecordingMetadata(**VALID)
    print(f"\nsidecar fuzz: {TRIED['inputs']} inputs, {TRIED['valid']} valid")
    assert TRIED["inputs"] >= 500
