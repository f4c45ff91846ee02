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
# (which sounds partials 2-4 louder than its fundamental) and under its C major's C5; one is
# TimGM6mb's C5 of C major in a room, struck with the C4 and taken for its octave. The
# weights shipped before stop 66 failed four (the Steinway's A3 and C major in a room, its D
# major dry and in a room); the same network with the judge fitted before stop 66's harmonic
# basses (the judge that the repeated melodies' random basses taught) two (the A3 and D major
# in a room), but it lost a minuet's repeated E4. With the rules alone ten cases failed.
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {
    ("TimGM6mb.sf2", "C major 6 s", "room"): "the C5 missed (taken for the C4's octave)",
    ("steinway-b", "A3 4 s", "room"): "extra E5 and A5 (its partials 3 and 4) at the attack",
    ("steinway-b", "C major 6 s", "room"): "extra B4",
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
