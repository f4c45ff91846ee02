"""One-track MIDI files for test renderings, from (tick, order, message) events.

Events at the same tick sort by `order`, so a caller decides whether a note-off goes before a
note-on (a re-struck key) and where tempo changes fall.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import mido


def one_track_midi(
    events: Iterable[tuple[int, int, mido.Message | mido.MetaMessage]],
    *,
    ticks_per_beat: int,
    tail_ticks: int,
) -> bytes:
    """The bytes of a MIDI file playing `events` on program 0, ending `tail_ticks` after them."""
    track = mido.MidiTrack([mido.Message("program_change", program=0)])
    now = 0
    for tick, _, message in sorted(events, key=lambda event: (event[0], event[1])):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=tail_ticks))
    midi = mido.MidiFile(ticks_per_beat=ticks_per_beat)
    midi.tracks.append(track)
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()
