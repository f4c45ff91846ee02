"""Note-level alignment: at least 95 % of score notes matched correctly on renderings whose
tempo swings by ±20 % and where 5 % of the notes are wrong or missing."""

from __future__ import annotations

import pytest
from support.score_pieces import planted_errors
from support.score_renders import Compare
from support.score_truth import correctly_matched


@pytest.mark.fluidsynth
@pytest.mark.parametrize("piece", ["piece_a", "piece_b"])
@pytest.mark.parametrize("seed", [0, 1])
def test_alignment_matches_95_percent_with_tempo_swing_and_errors(
    piece: str, seed: int, compare_rendering: Compare, request: pytest.FixtureRequest
) -> None:
    score = request.getfixturevalue(piece)
    faults = planted_errors(score, share=0.05, seed=seed)
    factors = faults.bar_tempo_factor.values()
    assert min(factors) == pytest.approx(0.8, abs=0.01)
    assert max(factors) == pytest.approx(1.2, abs=0.01)
    performance, comparison = compare_rendering(score, faults)
    assert correctly_matched(performance, comparison) >= 0.95
