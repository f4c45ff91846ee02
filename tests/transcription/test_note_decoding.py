"""Decoding activations into notes: onsets start notes, frames hold them, nothing else does."""

from __future__ import annotations

import numpy as np

from pianoscope.transcription.decode import decode_notes
from pianoscope.transcription.network import NoteActivations
from pianoscope.transcription.spectrogram import FRAME_RATE_HZ, KEY_COUNT

FRAMES = 400


def activations(onsets: dict[int, list[int]], sounding: dict[int, list[tuple[int, int]]]):
    onset = np.zeros((FRAMES, KEY_COUNT), dtype=np.float32)
    frame = np.zeros_like(onset)
    for key, frames in onsets.items():
        for f in frames:
            onset[f, key] = 0.9
            onset[f - 1, key] = onset[f + 1, key] = 0.3
    for key, spans in sounding.items():
        for first, last in spans:
            frame[first:last, key] = 0.9
    return NoteActivations(onset, frame, np.full_like(onset, 64.0))


def test_a_long_sounding_key_with_one_onset_is_one_note() -> None:
    notes = decode_notes(activations({39: [10]}, {39: [(10, 360)]}))
    assert [
        (n.midi, round(n.onset_s * FRAME_RATE_HZ), round(n.offset_s * FRAME_RATE_HZ)) for n in notes
    ] == [(60, 10, 360)]


def test_repeated_onsets_split_a_sounding_key_into_as_many_notes() -> None:
    notes = decode_notes(activations({39: [10, 15, 20, 25]}, {39: [(10, 40)]}))
    assert [round(n.onset_s * FRAME_RATE_HZ) for n in notes] == [10, 15, 20, 25]
    assert [round(n.offset_s * FRAME_RATE_HZ) for n in notes] == [15, 20, 25, 40]


def test_frames_without_an_onset_give_no_note() -> None:
    assert decode_notes(activations({}, {20: [(5, 300)]})) == ()


def test_onset_time_is_refined_between_frames() -> None:
    acts = activations({10: [50]}, {10: [(50, 80)]})
    acts.onset[51, 10] = 0.8  # the true onset lies between frames 50 and 51
    (note,) = decode_notes(acts)
    assert 50 / FRAME_RATE_HZ < note.onset_s < 50.5 / FRAME_RATE_HZ


def test_an_onset_peak_on_a_key_that_does_not_sound_is_no_note() -> None:
    """The attack of one note briefly raises other keys' onset probability: a ghost."""
    acts = activations({39: [10], 51: [10]}, {39: [(10, 100)], 51: [(10, 11)]})
    assert [n.midi for n in decode_notes(acts)] == [60]


def test_a_weaker_note_on_a_partial_of_a_note_struck_with_it_is_that_partial() -> None:
    """C4 with C5 (octave) and G5 (twelfth) one frame later but weaker: only C4; a C5 as
    strong as C4's attack, or one struck later, is a note of its own."""
    found = activations(
        {39: [10, 100], 51: [11, 60], 58: [10]}, {39: [(10, 200)], 51: [(10, 200)], 58: [(10, 50)]}
    )
    found.onset[11, 51] = found.onset[10, 58] = 0.6
    notes = decode_notes(found)
    assert [(n.midi, round(n.onset_s * FRAME_RATE_HZ)) for n in notes] == [
        (60, 10), (72, 60), (60, 100)
    ]  # fmt: skip
    found.onset[11, 51] = 0.9
    assert (72, 11) in {(n.midi, round(n.onset_s * FRAME_RATE_HZ)) for n in decode_notes(found)}
