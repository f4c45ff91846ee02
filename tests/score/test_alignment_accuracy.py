"""Note-level alignment: at least 95 % of score notes matched correctly on renderings whose
tempo swings by ±20 % and where 5 % of the notes are wrong or missing."""

from __future__ import annotations

import pytest
from conftest import Compare
from score_pieces import Performance, planted_errors

from pianoscope.score.alignment import MISSED, PLAYED, WRONG_PITCH
from pianoscope.score.comparison import ScoreComparison

ONSET_MATCH_S = 0.05


def correctly_matched(performance: Performance, comparison: ScoreComparison) -> float:
    """Share of score notes whose verdict is right: a played note matched to the performed
    note that played it (onset within 50 ms), a skipped note missed, a wrong one wrong."""
    right = 0
    for index, result in enumerate(comparison.notes):
        played = performance.plays[index]
        if played is None:
            right += result.status == MISSED
        elif performance.wrong_pitch[index]:
            right += result.status == WRONG_PITCH
        else:
            onset_s = performance.notes[played].onset_s
            right += (
                result.status == PLAYED
                and result.onset_s is not None
                and abs(result.onset_s - onset_s) <= ONSET_MATCH_S
            )
    return right / len(comparison.notes)


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
