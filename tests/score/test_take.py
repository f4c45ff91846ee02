"""Comparing a take file: progress climbs to 1, a cancel stops it between blocks, and a bad
take file is the audio loader's one-line error."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.score_pieces import Faults, perform
from support.score_renders import render

from pianoscope.audio.fileio import write_audio
from pianoscope.errors import AudioFileError
from pianoscope.progress import Cancelled, CancelToken
from pianoscope.score.loading import Score
from pianoscope.score.take import compare_take_file


@pytest.fixture(scope="module")
def take_file(piece_a: Score, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("takes") / "take.flac"
    write_audio(path, render(perform(piece_a, Faults(bar_dynamic={12: "f"})).notes))
    return path


@pytest.mark.fluidsynth
def test_take_file_is_compared_with_progress_up_to_one(piece_a: Score, take_file: Path) -> None:
    fractions: list[float] = []
    comparison = compare_take_file(piece_a, take_file, progress=fractions.append)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions) and len(fractions) >= 4
    assert [(f.kind, f.first_bar) for f in comparison.findings] == [("dynamics", 12)]


@pytest.mark.fluidsynth
def test_cancel_stops_between_blocks(piece_a: Score, take_file: Path) -> None:
    token = CancelToken()
    seen: list[float] = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        if fraction > 0:
            token.cancel()

    with pytest.raises(Cancelled):
        compare_take_file(piece_a, take_file, progress=progress, cancel=token)
    assert max(seen) < 0.5


def test_unreadable_take_is_the_audio_error(piece_a: Score, tmp_path: Path) -> None:
    bad = tmp_path / "take.flac"
    bad.write_bytes(b"fLaC" + bytes(100))
    with pytest.raises(AudioFileError):
        compare_take_file(piece_a, bad)
