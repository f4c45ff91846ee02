"""Fixtures for the score tests: a helper that renders a performance with FluidSynth (cached)
and compares it with its score (the pieces themselves are in tests/conftest.py)."""

from __future__ import annotations

import pytest
from support.score_pieces import Faults, Performance, perform
from support.score_renders import Compare, render

from pianoscope.score.comparison import ScoreComparison, compare_with_score
from pianoscope.score.loading import Score
from pianoscope.transcription.transcriber import transcribe_notes


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
