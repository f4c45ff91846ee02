"""The score-aligned piano roll: written and played notes line up on the bar axis."""

from __future__ import annotations

import pytest
from support.score_pieces import Faults, as_events, perform

from pianoscope.score.alignment import MISSED, PLAYED, WRONG_PITCH
from pianoscope.score.comparison import compare_with_score
from pianoscope.score.loading import Score
from pianoscope.score.roll import EXTRA, WRITTEN, roll_notes


def test_played_notes_sit_on_their_written_notes_whatever_the_tempo(piece_a: Score) -> None:
    faults = Faults(
        wrong={20: 1},
        skipped=frozenset({40}),
        bar_tempo_factor=dict.fromkeys((5, 6, 7, 8), 0.8),
    )
    comparison = compare_with_score(piece_a, as_events(perform(piece_a, faults).notes))
    items = roll_notes(piece_a, comparison)
    written = [item for item in items if item.kind == WRITTEN]
    assert len(written) == len(piece_a.notes)
    assert written[0].start_bar == 0.0
    assert max(item.end_bar for item in written) == pytest.approx(len(piece_a.bars))
    played = [item for item in items if item.kind == PLAYED]
    assert len(played) == len(piece_a.notes) - 2
    outlines = {(item.midi, round(item.start_bar, 3)) for item in written}
    assert all((item.midi, round(item.start_bar, 3)) in outlines for item in played)
    (missed,) = [item for item in items if item.kind == MISSED]
    assert (missed.midi, missed.start_bar) == (piece_a.notes[40].midi, written[40].start_bar)
    (wrong,) = [item for item in items if item.kind == WRONG_PITCH]
    assert wrong.midi == piece_a.notes[20].midi + 1
    assert wrong.start_bar == pytest.approx(written[20].start_bar, abs=1e-6)
    assert not [item for item in items if item.kind == EXTRA]
