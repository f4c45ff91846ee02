"""Analysing the library's takes not analysed yet, with one progress over all of them."""

from __future__ import annotations

import soundfile as sf

from pianoscope.app.library.analysis import analyse_pending, progress_over_takes
from pianoscope.audio.fileio import load_audio
from pianoscope.library.importer import import_file
from pianoscope.library.store import Library
from pianoscope.resources_path import demo_recording_path

RATE = 44_100


def test_progress_runs_once_from_zero_to_one_over_every_take(tmp_path) -> None:
    demo = load_audio(demo_recording_path())
    with Library.open(tmp_path / "library") as library:
        for name, start_s in (("first.flac", 0), ("second.flac", 6)):
            sf.write(tmp_path / name, demo[start_s * RATE : (start_s + 4) * RATE], RATE)
            import_file(library, tmp_path / name, student="Ada", piece="Study")
        fractions: list[float] = []
        result = analyse_pending(library, progress_for=progress_over_takes(fractions.append))
        assert len(result.analysed) == 2 and not result.skipped
    assert fractions == sorted(fractions)  # never goes back at the second take
    assert fractions[-1] == 1.0
    assert 0.5 in fractions  # the first take's end is half of the whole
    assert all(0.0 <= fraction <= 1.0 for fraction in fractions)
