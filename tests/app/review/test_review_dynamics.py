"""Dynamic markings follow the loudness curve: louder passages never read softer."""

from __future__ import annotations

import numpy as np

from pianoscope.analysis.result import LoudnessCurve
from pianoscope.app.review.dynamics import MARKINGS, dynamic_markings


def curve(*sections: tuple[float, float]) -> LoudnessCurve:
    """Sections of (seconds, level dB) at 0.1 s frames."""
    levels = np.concatenate([np.full(round(s * 10), db, np.float32) for s, db in sections])
    return LoudnessCurve(0.1, levels, levels)


def test_soft_middle_loud_sections_get_rising_markings():
    markings = dynamic_markings(curve((4, -40.0), (4, -28.0), (4, -16.0)))
    assert [m.marking for m in markings] == ["pp", "mf", "ff"]
    assert [round(m.start_s) for m in markings] == [0, 4, 8]
    assert markings[-1].end_s == 12.0


def test_markings_are_ordered_like_the_levels():
    markings = dynamic_markings(curve((3, -20.0), (3, -35.0), (3, -26.0), (3, -30.0), (3, -45.0)))
    order = {m: i for i, m in enumerate(MARKINGS)}
    for a in markings:
        for b in markings:
            if a.level_db > b.level_db + 1:
                assert order[a.marking] >= order[b.marking]


def test_one_loud_note_does_not_make_a_marking_and_silence_has_none():
    markings = dynamic_markings(curve((5, -30.0), (1, -10.0), (5, -30.0), (4, -120.0)))
    assert [m.marking for m in markings] == ["mf"]
    assert markings[0].end_s <= 11.0
    assert dynamic_markings(curve((5, -200.0))) == (), "digital silence (the meter's floor)"


def test_markings_do_not_depend_on_the_recording_gain():
    """What counts as playing is measured from the take's loudest frame: the same take 40 dB
    quieter keeps its quiet passage (a fixed -60 dBFS floor dropped it)."""
    sections = ((4, -40.0), (4, -28.0), (4, -16.0), (3, -90.0))
    plain = dynamic_markings(curve(*sections))
    for gain_db in (-40.0, 40.0):
        shifted = dynamic_markings(curve(*((s, db + gain_db) for s, db in sections)))
        assert [(m.start_s, m.end_s, m.marking) for m in shifted] == [
            (m.start_s, m.end_s, m.marking) for m in plain
        ]
    assert [m.marking for m in plain] == ["pp", "mf", "ff"]
