"""Fixtures for the score tests: two pieces written as MusicXML once per session, and a helper
that renders a performance with FluidSynth (cached) and compares it with its score."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.score_pieces import PIECE_A, PIECE_B, Faults, Performance, perform, write_piece
from support.score_renders import Compare, render

from pianoscope.score.comparison import ScoreComparison, compare_with_score
from pianoscope.score.loading import Score, load_score
from pianoscope.transcription.transcriber import transcribe_notes


@pytest.fixture(scope="session")
def score_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scores")
    write_piece(folder / "piece_a.musicxml", PIECE_A)
    write_piece(folder / "piece_b.musicxml", PIECE_B)
    return folder


@pytest.fixture(scope="session")
def piece_a(score_folder: Path) -> Score:
    return load_score(score_folder / "piece_a.musicxml")


@pytest.fixture(scope="session")
def piece_b(score_folder: Path) -> Score:
    return load_score(score_folder / "piece_b.musicxml")


@pytest.fixture(scope="session")
def compare_rendering() -> Compare:
    """Play `score` with `faults`, render it with FluidR3, transcribe it and compare."""

    def run(score: Score, faults: Faults) -> tuple[Performance, ScoreComparison]:
        performance = perform(score, faults)
        samples = render(performance.notes)
        transcription = transcribe_notes(samples)
        comparison = compare_with_score(
            score,
            transcription.notes,
            onset_times_s=transcription.onset_times_s,
            samples=samples,
        )
        return performance, comparison

    return run
