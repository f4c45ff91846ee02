"""A take recorded by the live engine is filed in the library under its student and piece."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from pianoscope.app.library.filing import file_recorded_take, new_take_path
from pianoscope.app.recording import record_take
from pianoscope.audio.file_source import FileSource
from pianoscope.library.store import Library
from pianoscope.resources_path import demo_recording_path


def test_a_live_take_is_recorded_inside_the_library_and_filed_in_place(tmp_path):
    with Library.open(tmp_path / "lib") as library:
        when = dt.datetime(2026, 11, 26, 14, 5, 9)
        path = new_take_path(library, "Ada", "Clair de lune", when)
        assert path == tmp_path / "lib/recordings/Ada/Clair de lune/2026-11-26 14-05-09.flac"
        report = record_take(
            FileSource(demo_recording_path(), speed=math.inf),
            path,
            seconds=2.0,
            student="Ada",
            piece="Clair de lune",
        )
        assert report.problem is None
        recording = file_recorded_take(library, path)
        assert (recording.student, recording.piece) == ("Ada", "Clair de lune")
        assert recording.path == "recordings/Ada/Clair de lune/2026-11-26 14-05-09.flac"
        assert recording.duration_s == pytest.approx(2.0, abs=0.01)
        assert recording.sample_rate_hz == 44_100 and recording.device
        assert library.recordings() == [recording]
        assert new_take_path(library, "Ada", "Clair de lune", when).name.endswith("(2).flac")


def test_nothing_recorded_files_nothing(tmp_path):
    with Library.open(tmp_path / "lib") as library:
        assert file_recorded_take(library, None) is None
        assert library.recordings() == []
