from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, intensity_index
from pianoscope.model.training.midi_gen import Phrase, generate_phrase

SEEDS = range(40)


def _phrases(form: str) -> list[Phrase]:
    return [generate_phrase(np.random.default_rng(seed), form, "mf") for seed in SEEDS]


def _largest_simultaneous_onset(phrase: Phrase) -> int:
    onsets = np.sort([note.start_s for note in phrase.notes])
    return max(int(np.sum((onsets >= t) & (onsets < t + 0.02))) for t in onsets)


def _held_over_interval(phrase: Phrase) -> float:
    """Median of note duration / time to the next onset, for single-line content."""
    notes = sorted(phrase.notes, key=lambda note: note.start_s)
    ratios = [
        a.duration_s / (b.start_s - a.start_s)
        for a, b in itertools.pairwise(notes)
        if b.start_s - a.start_s > 0.02 and a.start_s + a.duration_s < phrase.duration_s
    ]
    return float(np.median(ratios))


def _median_leap(phrase: Phrase) -> float:
    pitches = [note.pitch for note in sorted(phrase.notes, key=lambda note: note.start_s)]
    return float(np.median(np.abs(np.diff(pitches))))


@given(
    seed=st.integers(0, 2**32 - 1),
    form=st.sampled_from(FORM_LABELS),
    intensity=st.sampled_from(INTENSITY_LABELS),
)
@settings(max_examples=200, deadline=None)
def test_every_note_is_inside_the_clip_the_keyboard_and_the_intensity_class(
    seed: int, form: str, intensity: str
) -> None:
    phrase = generate_phrase(np.random.default_rng(seed), form, intensity, duration_s=3.0)
    assert len(phrase.notes) >= 2
    for note in phrase.notes:
        assert INTENSITY_LABELS[intensity_index(note.velocity)] == intensity
        assert 21 <= note.pitch <= 108
        assert 0.0 <= note.start_s < 3.0
        assert note.duration_s > 0.0 and note.start_s + note.duration_s <= 3.0 + 1e-9
    times = [time_s for time_s, _ in phrase.pedal_changes]
    assert times == sorted(times)


def test_same_seed_gives_the_same_phrase_and_another_seed_does_not() -> None:
    first = generate_phrase(np.random.default_rng(7), "arpeggio", "f")
    assert first == generate_phrase(np.random.default_rng(7), "arpeggio", "f")
    assert first != generate_phrase(np.random.default_rng(8), "arpeggio", "f")


def test_only_chords_strike_three_or_more_keys_together() -> None:
    assert all(_largest_simultaneous_onset(p) >= 3 for p in _phrases("chords"))
    for form in ("legato", "staccato", "arpeggio"):
        assert all(_largest_simultaneous_onset(p) == 1 for p in _phrases(form))


def test_legato_overlaps_the_next_note_and_staccato_lets_go_early() -> None:
    assert all(_held_over_interval(p) > 1.0 for p in _phrases("legato"))
    assert all(_held_over_interval(p) <= 0.4 for p in _phrases("staccato"))


def test_arpeggios_leap_between_chord_tones_while_legato_lines_step() -> None:
    legato = np.median([_median_leap(p) for p in _phrases("legato")])
    arpeggio = np.median([_median_leap(p) for p in _phrases("arpeggio")])
    assert legato <= 2.0
    assert arpeggio >= 4.0


def test_unknown_form_is_refused() -> None:
    with pytest.raises(ValueError, match="form"):
        generate_phrase(np.random.default_rng(0), "waltz", "mf")
