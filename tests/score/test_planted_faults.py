"""Every planted fault is reported in its bar, and an exact rendering gets no report.

The pieces are written with partitura as MusicXML, played exactly (marked tempo, printed
dynamics as velocities, staccato at a third of the written length, slurs held) and rendered
by FluidSynth; the take is transcribed by the note model (`pianoscope.transcription`) as any
recording.
"""

from __future__ import annotations

import pytest
from support.score_pieces import Faults
from support.score_renders import Compare
from support.score_truth import melody_note, planted_faults

from pianoscope.score.loading import Score

# The limit: at most one false report per 100 score notes.
FALSE_REPORTS_PER_NOTE = 0.01


@pytest.mark.fluidsynth
@pytest.mark.parametrize("piece", ["piece_a", "piece_b"])
def test_exact_rendering_gets_no_report(
    piece: str, compare_rendering: Compare, request: pytest.FixtureRequest
) -> None:
    score = request.getfixturevalue(piece)
    _, comparison = compare_rendering(score, Faults())
    assert len(comparison.findings) <= FALSE_REPORTS_PER_NOTE * len(score.notes), [
        f.text for f in comparison.findings
    ]
    assert (
        comparison.headline == ("Notes, tempo, dynamics and articulation all follow the score.",)
        or len(comparison.findings) > 0
    )


FAULT_NAMES = [
    "wrong note in bar 3",
    "skipped note in bar 7",
    "bars 5-8 15 % slower",
    "bar 12 two classes louder",
    "staccato bars 9-10 legato",
    "extra note in bar 14",
]


@pytest.mark.fluidsynth
@pytest.mark.parametrize("name", FAULT_NAMES)
def test_planted_fault_is_reported_in_its_bar_and_nothing_else(
    name: str, piece_a: Score, compare_rendering: Compare
) -> None:
    faults, kind, first_bar, last_bar = planted_faults(piece_a)[name]
    _, comparison = compare_rendering(piece_a, faults)
    reports = [(f.kind, f.first_bar, f.last_bar) for f in comparison.findings]
    assert (kind, first_bar, last_bar) in reports, [f.text for f in comparison.findings]
    others = [f.text for f in comparison.findings if (f.kind, f.first_bar) != (kind, first_bar)]
    assert len(others) <= FALSE_REPORTS_PER_NOTE * len(piece_a.notes), others
    assert any(str(first_bar) in sentence for sentence in comparison.headline)


@pytest.mark.fluidsynth
def test_all_faults_in_one_take_are_each_reported(
    piece_a: Score, compare_rendering: Compare
) -> None:
    cases = planted_faults(piece_a).values()
    faults = Faults(
        wrong={k: v for f, *_ in cases for k, v in f.wrong.items()},
        skipped=frozenset().union(*(f.skipped for f, *_ in cases)),
        bar_tempo_factor={k: v for f, *_ in cases for k, v in f.bar_tempo_factor.items()},
        bar_dynamic={k: v for f, *_ in cases for k, v in f.bar_dynamic.items()},
        legato_bars=frozenset().union(*(f.legato_bars for f, *_ in cases)),
        added={k: v for f, *_ in cases for k, v in f.added.items()},
    )
    _, comparison = compare_rendering(piece_a, faults)
    reports = {(f.kind, f.first_bar, f.last_bar) for f in comparison.findings}
    expected = {(kind, first, last) for _, kind, first, last in cases}
    assert expected <= reports, [f.text for f in comparison.findings]
    assert len(reports - expected) <= FALSE_REPORTS_PER_NOTE * len(piece_a.notes)
    wrong = next(f for f in comparison.findings if f.kind == "notes" and f.first_bar == 3)
    written = piece_a.notes[melody_note(piece_a, 3, 1)]
    assert "instead of" in wrong.text and "left out" not in wrong.text, wrong.text
    assert len(comparison.headline) == 3
    assert comparison.headline[0].startswith("Check the notes in bars 3 and 7"), written
