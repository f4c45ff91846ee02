"""Following a score in live input: the place reaches the end, a wrong note is flagged in its
bar and nothing else on an exact rendering, also through the engine's thread."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from support.score_pieces import perform
from support.score_renders import render
from support.score_truth import planted_faults
from support.waiting import wait_until

from pianoscope.app.live.engine import LiveEngine
from pianoscope.app.live.score_follow import FollowSnapshot, ScoreFollowWorker
from pianoscope.audio.file_source import FileSource
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.model.training.render import TIMGM
from pianoscope.score.loading import Score

RATE = 44_100
BLOCK = RATE // 2


def _follow(score: Score, samples: np.ndarray) -> FollowSnapshot:
    worker = ScoreFollowWorker(RingBuffer(RATE), RATE, score)
    for start in range(0, samples.size, BLOCK):
        snapshot = worker.feed(samples[start : start + BLOCK])
    return snapshot


@pytest.mark.fluidsynth
def test_an_exact_rendering_is_followed_to_its_end_without_wrong_notes(piece_b: Score) -> None:
    state = _follow(piece_b, render(perform(piece_b).notes, TIMGM)).state
    assert state.bar == piece_b.bars[-1].number
    assert state.matched_notes >= 0.9 * len(piece_b.notes)
    assert state.wrong_notes == ()


@pytest.mark.fluidsynth
def test_a_wrong_note_is_flagged_in_its_bar(piece_a: Score) -> None:
    faults = planted_faults(piece_a)["wrong note in bar 3"][0]
    performance = perform(piece_a, faults)
    (index,) = faults.wrong
    played = performance.notes[performance.plays[index]]
    state = _follow(piece_a, render(performance.notes, TIMGM)).state
    assert [(w.bar, w.midi) for w in state.wrong_notes] == [(3, played.midi)]
    assert state.wrong_notes[0].time_s == pytest.approx(played.onset_s, abs=0.05)
    assert state.bar == piece_a.bars[-1].number


@pytest.mark.fluidsynth
def test_the_engine_follows_a_score_in_its_input(piece_a: Score, tmp_path: Path) -> None:
    take = tmp_path / "take.wav"
    sf.write(take, render(perform(piece_a).notes, TIMGM), RATE, subtype="FLOAT")
    engine = LiveEngine(FileSource(take, speed=4.0), load_classifier=None)
    engine.follow_score(piece_a)
    engine.start()
    try:
        wait_until(
            lambda: (follow := engine.snapshot().follow) is not None and follow.state.bar == 16,
            60,
            "the place reaches the last bar",
        )
        assert engine.snapshot().follow.state.wrong_notes == ()
        engine.follow_score(None)
        assert engine.snapshot().follow is None
    finally:
        engine.stop()
