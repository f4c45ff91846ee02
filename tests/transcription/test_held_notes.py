"""One key press is one note, however long it is held and however its partials beat
(acceptance of issue 13: held single notes and chords of 1-8 s, pedalled or not, dry or in a
room, on every allowed SoundFont grand and the Steinway samples)."""

from __future__ import annotations

import pytest
from conftest import held_renderings

from pianoscope.transcription.training.held_cases import (
    HELD_CASES,
    HELD_PIANOS,
    ROOMS,
    heard_in,
    one_note_per_key,
)
from pianoscope.transcription.transcriber import transcribe_notes

# (piano, case, room) that still fail with the shipped weights and their peak judge, measured
# (3 of 60); strict, so a case that starts to pass must be taken off this list. Two are
# partials of the Steinway's in a room that the judge takes for keys struck: over its A3
# (which sounds partials 2-4 louder than its fundamental) and under its C major's C5; the
# third is TimGM6mb's C major in a room, where the judge of one stage missed the C5 (taken
# for the C4's octave) and its second stage (stop 68) finds it but takes the E4's octave for
# a key too (0.03 over the threshold). In ten more rooms of the same size
# (`bench/bench_held_cases.py --more-rooms 10`) it fails 7 of 300 cases (the judge of one
# stage 23), the Steinway's A3 in 4 of the rooms (7). With the rules alone ten of the 60
# cases failed.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {
    ("TimGM6mb.sf2", "C major 6 s", "room"): "an extra E5 (the E4's octave)",
    ("steinway-b", "A3 4 s", "room"): "extra E5 and A5 (its partials 3 and 4) at the attack",
    ("steinway-b", "C major 6 s", "room"): "an extra B4",
}


def cases() -> list[object]:
    params = []
    for piano in HELD_PIANOS:
        for case in HELD_CASES:
            for room in ROOMS:
                reason = KNOWN_FAILURES.get((piano, case, room))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                params.append(pytest.param(piano, case, room, marks=marks))
    return params


@pytest.mark.fluidsynth
@pytest.mark.parametrize(("piano", "case", "room"), cases())
def test_a_held_note_or_chord_is_one_note_per_key(piano: str, case: str, room: str) -> None:
    notes = transcribe_notes(heard_in(held_renderings(piano)[case], room)).notes
    assert one_note_per_key(case, [(n.onset_s, n.midi) for n in notes]), notes
