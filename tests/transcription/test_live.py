"""Live notes: the note model run over the stream reports each note once, soon after it is
struck, and finds what the whole-recording transcription finds."""

from __future__ import annotations

import numpy as np
import pytest
from support.score_pieces import perform
from support.score_renders import render

from pianoscope.score.loading import Score
from pianoscope.transcription.live import SETTLE_S, WINDOW_S, LiveNotes
from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ
from pianoscope.transcription.training import steinway
from pianoscope.transcription.training.content import SoundingNote
from pianoscope.transcription.transcriber import transcribe_notes

BLOCK_S = 0.5


@pytest.mark.fluidsynth
def test_live_notes_are_the_recordings_notes_each_once_and_soon(piece_a: Score) -> None:
    samples = render(perform(piece_a).notes)
    block = round(BLOCK_S * SAMPLE_RATE_HZ)
    live = LiveNotes()
    reported = []
    for start in range(0, samples.size, block):
        for note in live.feed(samples[start : start + block]):
            reported.append((note, live.time_s))
    offline = transcribe_notes(samples).notes
    found = [
        any(n.midi == o.midi and abs(n.onset_s - o.onset_s) <= 0.05 for n, _ in reported)
        for o in offline
    ]
    assert np.mean(found) >= 0.9, f"{sum(found)} of {len(offline)}"
    for index, (note, _) in enumerate(reported):
        assert not any(
            other.midi == note.midi and abs(other.onset_s - note.onset_s) <= 0.06
            for other, _ in reported[index + 1 :]
        ), note
    latency_s = max(fed_s - note.onset_s for note, fed_s in reported)
    assert latency_s <= SETTLE_S + BLOCK_S + 0.01


@pytest.mark.fluidsynth
def test_a_feed_of_many_seconds_at_once_loses_no_note(piece_a: Score) -> None:
    """A caller that fell behind hands over the whole performance in one call: the notes the
    whole-recording transcription finds are still reported, in onset order."""
    samples = render(perform(piece_a).notes)
    assert samples.size > 4 * WINDOW_S * SAMPLE_RATE_HZ
    reported = LiveNotes().feed(samples)
    offline = transcribe_notes(samples).notes
    found = [
        any(n.midi == o.midi and abs(n.onset_s - o.onset_s) <= 0.05 for n in reported)
        for o in offline
    ]
    assert np.mean(found) >= 0.9, f"{sum(found)} of {len(offline)}"
    assert [n.onset_s for n in reported] == sorted(n.onset_s for n in reported)


@pytest.mark.fluidsynth
def test_the_notes_do_not_depend_on_how_the_audio_arrives(piece_a: Score) -> None:
    """Fed in blocks of 1 ms to 2.5 s, as a thread on a busy machine reads them, the stream
    gives exactly the notes it gives fed block by block."""
    samples = render(perform(piece_a).notes)
    block = round(BLOCK_S * SAMPLE_RATE_HZ)
    steady = LiveNotes()
    expected = [
        n for s in range(0, samples.size, block) for n in steady.feed(samples[s : s + block])
    ]
    rng = np.random.default_rng(7)
    uneven = LiveNotes()
    reported, start = [], 0
    while start < samples.size:
        size = round(float(rng.uniform(0.001, 2.5)) * SAMPLE_RATE_HZ)
        reported += uneven.feed(samples[start : start + size])
        start += size
    assert len(expected) > 50 and reported == expected


def test_skipped_samples_move_the_clock_and_nothing_is_reported_twice() -> None:
    """A second of the Steinway's C4 (on its A3 and A4 the network also reports a partial at
    the attack, see test_held_notes.py; on a synthetic tone of partials at 1/k, a C#7 over A4)."""
    tone = steinway.render_notes([SoundingNote(0.1, 0.9, 60, 80)], 1.0)
    live = LiveNotes()
    first = live.feed(tone) + live.feed(np.zeros(SAMPLE_RATE_HZ, np.float32))
    live.skip(SAMPLE_RATE_HZ)
    second = live.feed(tone) + live.feed(np.zeros(SAMPLE_RATE_HZ, np.float32))
    assert [n.midi for n in first] == [60] and [n.midi for n in second] == [60]
    assert second[0].onset_s == pytest.approx(first[0].onset_s + 3.0, abs=0.03)
