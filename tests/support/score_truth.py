"""What a test take really contains, to judge a comparison against: the planted faults of
the issue and the share of score notes given the right verdict."""

from __future__ import annotations

from support.score_pieces import Faults, Performance

from pianoscope.score.alignment import MISSED, PLAYED, WRONG_PITCH
from pianoscope.score.comparison import ScoreComparison
from pianoscope.score.loading import Score

ONSET_MATCH_S = 0.05
BLACK_KEYS = frozenset({1, 3, 6, 8, 10})


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


def melody_note(score: Score, bar: int, position: int) -> int:
    """Index of the `position`-th melody (treble) note of `bar`."""
    return [i for i, n in enumerate(score.notes) if n.bar == bar and n.midi >= 60][position]


def third_above(midi: int) -> int:
    """Semitones from a white key `midi` to the white key a third above (C major's third):
    the note a student adds to a melody note as if it were a chord."""
    steps = 0
    for _ in range(2):
        steps += 2 if (midi + steps + 1) % 12 in BLACK_KEYS else 1
    return steps


def planted_faults(score: Score) -> dict[str, tuple[Faults, str, int, int]]:
    """Name -> (faults, kind of finding expected, first bar, last bar)."""
    return {
        "wrong note in bar 3": (Faults(wrong={melody_note(score, 3, 1): 1}), "notes", 3, 3),
        "skipped note in bar 7": (
            Faults(skipped=frozenset({melody_note(score, 7, 2)})),
            "notes",
            7,
            7,
        ),
        "bars 5-8 15 % slower": (
            Faults(bar_tempo_factor=dict.fromkeys((5, 6, 7, 8), 0.85)),
            "tempo",
            5,
            8,
        ),
        "bar 12 two classes louder": (Faults(bar_dynamic={12: "f"}), "dynamics", 12, 12),
        "staccato bars 9-10 legato": (
            Faults(legato_bars=frozenset({9, 10})),
            "articulation",
            9,
            10,
        ),
        "extra note in bar 14": (
            Faults(added={(i := melody_note(score, 14, 1)): third_above(score.notes[i].midi)}),
            "extra_notes",
            14,
            14,
        ),
    }
