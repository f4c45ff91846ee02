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
    levels = np.zeros_like(onset)
    return NoteActivations(onset, frame, np.full_like(onset, 64.0), levels, levels)


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


def test_a_soft_note_whose_frame_probability_rises_late_is_a_note() -> None:
    """A soft or short note's frame probability reaches the threshold only frames after its
    onset peak (85 of 288 missed validation notes, under the previous gate)."""
    acts = activations({30: [10]}, {30: [(13, 60)]})
    acts.frame[10:13, 30] = (0.1, 0.2, 0.35)
    assert [(n.midi, round(n.onset_s * FRAME_RATE_HZ)) for n in decode_notes(acts)] == [(51, 10)]


def test_a_weaker_peak_on_a_partial_that_fades_with_the_attack_is_that_partial() -> None:
    """C4 with C5 (octave) one frame later and G5 (twelfth) at once, both weaker and fading
    within a few frames: only C4. A C5 as strong as C4's attack, or struck later, is a note."""
    found = activations(
        {39: [10, 100], 51: [11, 60], 58: [10]},
        {39: [(10, 200)], 51: [(10, 14), (60, 90)], 58: [(10, 14)]},
    )
    found.onset[11, 51] = found.onset[10, 58] = 0.6
    notes = decode_notes(found)
    assert [(n.midi, round(n.onset_s * FRAME_RATE_HZ)) for n in notes] == [
        (60, 10), (72, 60), (60, 100)
    ]  # fmt: skip
    found.onset[11, 51] = 0.9
    assert (72, 11) in {(n.midi, round(n.onset_s * FRAME_RATE_HZ)) for n in decode_notes(found)}


def test_a_played_octave_that_sounds_on_is_a_note_though_its_onset_is_weaker() -> None:
    """G2, G3, G4 struck together and held: the upper keys' onsets are a little weaker than the
    lowest's (the network hears the lower note's partials there too), but they sound on."""
    acts = activations(
        {22: [10], 34: [10], 46: [10]}, {22: [(10, 300)], 34: [(10, 300)], 46: [(10, 300)]}
    )
    acts.onset[10, 34], acts.onset[10, 46] = 0.88, 0.85
    acts.frame[10:300, 46] = 0.75  # weaker, but more than SUSTAIN_RATIO of the lowest key
    assert [n.midi for n in decode_notes(acts)] == [43, 55, 67]


def test_a_sounding_key_is_not_struck_again_by_the_attack_of_a_note_on_its_partial() -> None:
    """C3 held while G4, its third harmonic, is struck: G4's attack raises C3's onset
    probability, which is no new C3."""
    acts = activations({27: [10], 46: [100]}, {27: [(10, 300)], 46: [(100, 200)]})
    acts.onset[99:102, 27] = (0.2, 0.6, 0.2)
    assert [(n.midi, round(n.onset_s * FRAME_RATE_HZ)) for n in decode_notes(acts)] == [
        (48, 10), (67, 100)
    ]  # fmt: skip


def test_a_weaker_peak_below_a_note_whose_partial_it_would_have_must_sound_at_once() -> None:
    """A peak an octave below a stronger note, whose key sounds only late and weakly, is the
    fundamental the upper note's partials suggest; struck alone, the same peak is a note."""
    acts = activations({51: [10], 39: [10]}, {51: [(10, 200)], 39: [(13, 40)]})
    acts.onset[10, 39] = 0.7
    acts.frame[10:13, 39] = (0.1, 0.2, 0.35)
    assert [n.midi for n in decode_notes(acts)] == [72]
    acts.onset[10, 51] = acts.onset[9, 51] = acts.onset[11, 51] = 0.0
    assert [n.midi for n in decode_notes(acts)] == [60]


def test_a_weak_peak_on_a_key_that_sounds_on_is_no_new_note() -> None:
    """An echo of the attack, or beating partials, raise a held key's onset probability a
    little; a re-strike raises it as much as the first strike."""
    echo = activations({39: [10]}, {39: [(10, 200)]})
    echo.onset[21, 39] = 0.55
    assert len(decode_notes(echo)) == 1
    restruck = activations({39: [10, 21]}, {39: [(10, 200)]})
    assert [round(n.onset_s * FRAME_RATE_HZ) for n in decode_notes(restruck)] == [10, 21]


def test_a_weaker_peak_beside_a_struck_key_that_does_not_sound_on_is_its_attack() -> None:
    """F#4 struck and held; F4 peaks at its attack, weaker, and sounds for two frames only: the
    attack's ghost. F4 held with it (a second struck together) is a note."""
    acts = activations({45: [10], 44: [10]}, {45: [(10, 200)], 44: [(10, 12)]})
    acts.onset[10, 44] = 0.8
    assert [n.midi for n in decode_notes(acts)] == [66]
    acts.frame[10:200, 44] = 0.9
    assert [n.midi for n in decode_notes(acts)] == [65, 66]


def test_a_weak_peak_just_before_a_stronger_attack_on_a_silent_key_is_that_attack_seen_early() -> (
    None
):
    acts = activations({39: [10, 70]}, {39: [(10, 60), (70, 120)]})
    acts.onset[63, 39] = 0.7  # after the release, 7 frames before the next attack
    acts.frame[63:65, 39] = 0.3  # LATE_SOUNDING: it would pass as a soft note on its own
    notes = decode_notes(acts)
    assert [round(n.onset_s * FRAME_RATE_HZ) for n in notes] == [10, 70]


def test_a_fast_repeat_on_a_sounding_key_stays_two_notes() -> None:
    acts = activations({39: [10, 16]}, {39: [(10, 40)]})
    acts.onset[10, 39] = 0.7  # the first strike weaker than the second, 120 ms apart
    notes = decode_notes(acts)
    assert [round(n.onset_s * FRAME_RATE_HZ) for n in notes] == [10, 16]


def test_a_peak_below_a_stronger_note_is_read_as_sounding_before_its_attack_not_its_peak() -> None:
    """A C2 struck under a G5 (its twelfth harmonic) whose onset spans two frames peaks in the
    second, where its key already sounds: it is still a note. Sounding before the attack began,
    it is the held key the upper note's partial reinforced."""
    acts = activations({58: [100]}, {58: [(100, 200)], 15: [(100, 300)]})
    acts.onset[99:102, 15] = (0.89, 0.91, 0.0)
    acts.onset[100, 58] = 1.0
    acts.frame[99, 15] = 0.72
    assert [(n.midi, round(n.onset_s * FRAME_RATE_HZ)) for n in decode_notes(acts)] == [
        (36, 100), (79, 100)
    ]  # fmt: skip
    acts.frame[98, 15] = 0.9
    assert [n.midi for n in decode_notes(acts)] == [79]


def test_an_octave_struck_in_the_last_frames_is_judged_by_how_it_sounds_until_the_end() -> None:
    """G2 and G3 struck five frames before the take ends (fewer than the frames a peak's
    sustain is read over): a G3 that sounds on to the end is a played note, one that fades at
    once is G2's partial."""
    last = FRAMES - 5
    acts = activations({22: [last], 34: [last]}, {22: [(last, FRAMES)], 34: [(last, FRAMES)]})
    acts.onset[last, 34] = 0.8
    assert [n.midi for n in decode_notes(acts)] == [43, 55]
    acts.frame[last + 2 :, 34] = 0.0
    assert [n.midi for n in decode_notes(acts)] == [43]
