"""Following a score live: the place, the wrong notes and the cost, on three SoundFont grands.

Piece A of the score tests with each planted fault and piece B exactly, rendered by FluidR3,
TimGM6mb and MuseScore Lite, are fed to the live follower (`app/live/score_follow`) 0.5 s at
a time, as the live thread does. For each: the last bar reached, notes matched, the wrong notes
flagged (bar, key), and the milliseconds per 0.5 s step (the share of a core the thread takes).

    python bench/bench_score_follow.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.score_pieces import PIECE_A, PIECE_B, Faults, perform, write_piece
from support.score_renders import render
from support.score_truth import planted_faults

from pianoscope.app.live.score_follow import INTERVAL_S, ScoreFollowWorker
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.model.training.render import FLUIDR3, MUSESCORE_LITE, TIMGM
from pianoscope.score.loading import Score, load_score

RATE = 44_100


def follow(score: Score, faults: Faults, soundfont: str) -> str:
    samples = render(perform(score, faults).notes, soundfont)
    worker = ScoreFollowWorker(RingBuffer(RATE), RATE, score)
    step = round(INTERVAL_S * RATE)
    started, steps = time.perf_counter(), 0
    for start in range(0, samples.size, step):
        snapshot = worker.feed(samples[start : start + step])
        steps += 1
    per_step_ms = 1000 * (time.perf_counter() - started) / steps
    state = snapshot.state
    wrong = [(w.bar, w.midi) for w in state.wrong_notes]
    return (
        f"last bar {state.bar}/{score.bars[-1].number}, matched "
        f"{state.matched_notes}/{len(score.notes)}, wrong notes {wrong}, "
        f"{per_step_ms:.0f} ms per step ({per_step_ms / (10 * INTERVAL_S):.0f} % of a core)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        piece_a = load_score(write_piece(Path(tmp) / "piece_a.musicxml", PIECE_A))
        piece_b = load_score(write_piece(Path(tmp) / "piece_b.musicxml", PIECE_B))
        cases = [("piece A exact", piece_a, Faults())]
        planted = planted_faults(piece_a).items()
        cases += [(f"piece A, {name}", piece_a, faults) for name, (faults, *_) in planted]
        cases.append(("piece B exact", piece_b, Faults()))
        for soundfont in (FLUIDR3, TIMGM, MUSESCORE_LITE):
            print(soundfont)
            for name, score, faults in cases:
                print(f"  {name}: {follow(score, faults, soundfont)}", flush=True)


if __name__ == "__main__":
    main()
