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
# (4 of 60); strict, so a case that starts to pass must be taken off this list. Each is a
# partial of the Steinway's A3 (whose third partial sounds louder than its fundamental), or in
# its C major a B4 a semitone under the C5, that the network hears as a key struck (onset
# probability 0.98-1.00) and the judge, with its level cues and the keys it learnt alone,
# takes for one (0.30-0.71). With the rules alone ten
# cases failed (these four, the Steinway's A3 dry, the G4 of G2-G3-G4 pedalled on FluidR3 and
# TimGM6mb, dry and in a room, TimGM6mb's C5 of C major in a room); with the judge of the
# network's activations alone (stop 59) seven (it also took C2's octave on both MuseScores in
# a room for a played C3, and a partial of the Steinway's A3 dry).
KNOWN_FAILURES: dict[tuple[str, str, str], str] = {
    ("steinway-b", "A3 4 s", "room"): "extra E5 and A5 at the attack",
    ("steinway-b", "C major 6 s", "room"): "extra B4",
    ("steinway-b", "D major pedalled 3 s", "dry"): "extra E5 at the attack",
    ("steinway-b", "D major pedalled 3 s", "room"): "extra E5 at the attack",
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
