"""Following a student through the score note by note: the place, wrong notes, going back.

The notes are a perfect transcription of the performance (`as_events`), so what is tested is
the follower's judgement; `tests/app/live/test_score_follow.py` runs it on real audio."""

from __future__ import annotations

import dataclasses

from support.score_pieces import Faults, as_events, perform
from support.score_truth import melody_note

from pianoscope.score.follow import RECENT_NOTES, ScoreFollower
from pianoscope.score.loading import Score


def test_the_place_follows_an_exact_performance_note_by_note(piece_a: Score) -> None:
    performance = perform(piece_a)
    events = as_events(performance.notes)
    follower = ScoreFollower(piece_a)
    for index, event in enumerate(events):
        state = follower.feed([event])
        written = next(piece_a.notes[i] for i, p in enumerate(performance.plays) if p == index)
        assert state.bar == written.bar, (index, state)
    assert state.matched_notes == len(piece_a.notes)
    assert state.wrong_notes == ()
    assert state.beat_in_bar == piece_a.notes[-1].onset_beat - piece_a.bars[-1].start_beat + 1


def test_a_wrong_note_is_reported_in_its_bar_once(piece_a: Score) -> None:
    wrong = melody_note(piece_a, 3, 1)
    performance = perform(piece_a, Faults(wrong={wrong: 1}))
    state = ScoreFollower(piece_a).feed(as_events(performance.notes))
    played = performance.notes[performance.plays[wrong]]
    assert [(w.bar, w.midi, w.time_s) for w in state.wrong_notes] == [
        (3, played.midi, played.onset_s)
    ]
    assert state.bar == piece_a.bars[-1].number


def test_going_back_to_the_start_moves_the_place_back_without_wrong_notes(
    piece_a: Score,
) -> None:
    events = as_events(perform(piece_a).notes)
    bar_5_s = next(e.onset_s for e, n in zip(events, piece_a.notes, strict=True) if n.bar == 5)
    again = [
        dataclasses.replace(e, onset_s=e.onset_s + bar_5_s, offset_s=e.offset_s + bar_5_s)
        for e in events
    ]
    follower = ScoreFollower(piece_a)
    assert follower.feed([e for e in events if e.onset_s < bar_5_s]).bar == 4
    bars = [follower.feed([event]).bar for event in again]
    assert min(bars[: RECENT_NOTES + 4]) == 1  # back within a dozen notes
    assert bars[-1] == piece_a.bars[-1].number
    assert follower.state.wrong_notes == ()


def test_skipping_ahead_is_followed(piece_a: Score) -> None:
    events = as_events(perform(piece_a).notes)
    bars = [n.bar for n in piece_a.notes]
    follower = ScoreFollower(piece_a)
    assert follower.feed([e for e, bar in zip(events, bars, strict=True) if bar <= 3]).bar == 3
    later = [e for e, bar in zip(events, bars, strict=True) if bar >= 9]
    shift_s = later[0].onset_s - 6.5  # played on at once after bar 3
    places = [
        follower.feed([dataclasses.replace(e, onset_s=e.onset_s - shift_s)]).bar for e in later
    ]
    assert max(places[: RECENT_NOTES + 4]) >= 9
    assert places[-1] == piece_a.bars[-1].number
    assert follower.state.wrong_notes == ()


def test_a_partial_heard_as_a_note_or_one_the_audio_denies_is_no_wrong_note(
    piece_a: Score,
) -> None:
    events = as_events(perform(piece_a).notes)
    octave_ghost = dataclasses.replace(events[10], midi=events[10].midi + 12)
    stray = dataclasses.replace(events[20], midi=events[20].midi + 1)
    with_ghosts = sorted([*events, octave_ghost, stray], key=lambda e: e.onset_s)
    denied = ScoreFollower(piece_a, confirm=lambda note: note is not stray).feed(with_ghosts)
    assert denied.wrong_notes == ()
    heard = ScoreFollower(piece_a).feed(with_ghosts)
    assert [w.midi for w in heard.wrong_notes] == [stray.midi]


def test_a_key_heard_early_and_then_struck_is_one_played_note(piece_a: Score) -> None:
    """The note model sometimes reports a key 0.15-0.2 s before its strike, less sure (the E4
    of bar 3 after the F4 before it, on TimGM6mb), then the strike: one note, no wrong one."""
    events = as_events(perform(piece_a).notes)
    struck = next(e for e in events if e.midi == 64 and abs(e.onset_s - 4.75) < 0.01)
    early = dataclasses.replace(
        struck, onset_s=struck.onset_s - 0.19, offset_s=struck.onset_s, confidence=0.54
    )
    state = ScoreFollower(piece_a).feed(sorted([*events, early], key=lambda e: e.onset_s))
    assert state.wrong_notes == ()
    assert state.matched_notes == len(piece_a.notes)
