"""How much a re-struck key's partial rises at its attack, against the same key left to ring
on when the repeat is skipped: the evidence `score.verification` asks of a written note whose
own key was written to sound just before it.

Generated pieces other than the tests' (seeds 101-106, both piece shapes), rendered by the
three SoundFont grands the score comparison was tuned on (FluidR3, TimGM6mb, MuseScore Lite);
each written note whose key's previous note ends at most REPEAT_GAP_BEATS before it is measured
once played and once skipped. Prints percentiles and the share above each candidate threshold.
Then, on the two test pieces themselves, each rendered exactly and with the first repeat of
each run skipped: how many score notes the whole comparison (transcription and audio
evidence) judges wrongly, with the repeat rule and without it (REPEAT_GAP_BEATS patched off).

    python bench/bench_restrike_evidence.py
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from unittest.mock import patch

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.score_pieces import PIECE_A, PIECE_B, Faults, perform, write_piece
from support.score_renders import render

from pianoscope.model.training.render import FLUIDR3, MUSESCORE_LITE, TIMGM
from pianoscope.score import verification
from pianoscope.score.audio_evidence import attack_rise_db
from pianoscope.score.comparison import compare_with_score
from pianoscope.score.loading import Score, load_score
from pianoscope.score.verification import REPEAT_GAP_BEATS, repeated_notes
from pianoscope.transcription.transcriber import transcribe_notes

SEEDS = (101, 102, 103, 104, 105, 106)
SAMPLE_RATE_HZ = 44_100
THRESHOLDS_DB = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0)


def first_of_runs(score: Score, indices: frozenset[int]) -> list[int]:
    """The chosen notes whose key's previous note is played: skipping two repeats in a row
    leaves the second with nothing ringing before it."""
    chosen: list[int] = []
    for index in sorted(indices):
        note = score.notes[index]
        previous = max((i for i in range(index) if score.notes[i].midi == note.midi), default=None)
        if previous not in chosen:
            chosen.append(index)
    return chosen


def rises(score: Score, indices: frozenset[int], soundfont: str) -> tuple[list[float], list[float]]:
    """Rise (dB) of each chosen note's key at its attack played, and of the first of each run
    of them skipped."""
    played = perform(score)
    skips = first_of_runs(score, indices)
    skipped = perform(score, Faults(skipped=frozenset(skips)))
    played_samples = render(played.notes, soundfont)
    skipped_samples = render(skipped.notes, soundfont)
    when = {i: played.notes[played.plays[i]].onset_s for i in indices}
    return (
        [
            attack_rise_db(played_samples, SAMPLE_RATE_HZ, when[i], score.notes[i].midi)
            for i in sorted(indices)
        ],
        [
            attack_rise_db(skipped_samples, SAMPLE_RATE_HZ, when[i], score.notes[i].midi)
            for i in skips
        ],
    )


def wrong_verdicts(score: Score, skips: list[int], soundfont: str) -> dict[str, tuple[int, int]]:
    """Score notes judged wrongly on the exact take and on the take with `skips` skipped,
    with the repeat rule ("rule") and without it ("without")."""
    wrong: dict[str, list[int]] = {"without": [], "rule": []}
    for performance, skipped in (
        (perform(score), set()),
        (perform(score, Faults(skipped=frozenset(skips))), set(skips)),
    ):
        samples = render(performance.notes, soundfont)
        heard = transcribe_notes(samples)
        for name, gap in (("without", -np.inf), ("rule", REPEAT_GAP_BEATS)):
            with patch.object(verification, "REPEAT_GAP_BEATS", gap):
                comparison = compare_with_score(
                    score, heard.notes, onset_times_s=heard.onset_times_s, samples=samples
                )
            wrong[name].append(
                sum(
                    (result.status == "played") == (index in skipped)
                    for index, result in enumerate(comparison.notes)
                )
            )
    return {name: (exact, with_skips) for name, (exact, with_skips) in wrong.items()}


def main() -> None:
    struck: list[float] = []
    left: list[float] = []
    with tempfile.TemporaryDirectory(prefix="pianoscope-bench-restrike-") as tmp:
        for seed in SEEDS:
            for shape, spec in (("A", PIECE_A), ("B", PIECE_B)):
                path = write_piece(Path(tmp) / f"{shape}{seed}.musicxml", replace(spec, seed=seed))
                score = load_score(path)
                indices = repeated_notes(score)
                for soundfont in (FLUIDR3, TIMGM, MUSESCORE_LITE):
                    up, flat = rises(score, indices, soundfont)
                    struck += up
                    left += flat
                print(f"piece {shape} seed {seed}: {len(indices)} repeated notes", flush=True)
    for name, values in (("re-struck", struck), ("skipped", left)):
        quartiles = np.percentile(values, [1, 5, 25, 50, 75, 95, 99])
        print(
            f"{name:10s} n={len(values)} percentiles 1/5/25/50/75/95/99: "
            + " ".join(f"{q:6.1f}" for q in quartiles)
        )
    for threshold in THRESHOLDS_DB:
        kept = np.mean(np.array(struck) >= threshold)
        passed = np.mean(np.array(left) >= threshold)
        print(
            f"rise >= {threshold:3.1f} dB: re-struck kept {kept:6.1%}, "
            f"skipped taken as struck {passed:6.1%}"
        )

    with tempfile.TemporaryDirectory(prefix="pianoscope-bench-restrike-") as tmp:
        for shape, spec in (("A", PIECE_A), ("B", PIECE_B)):
            score = load_score(write_piece(Path(tmp) / f"{shape}.musicxml", spec))
            skips = first_of_runs(score, repeated_notes(score))
            for soundfont in (FLUIDR3, TIMGM, MUSESCORE_LITE):
                counts = wrong_verdicts(score, skips, soundfont)
                print(
                    f"test piece {shape} on {soundfont}, {len(skips)} repeats skipped: wrong "
                    + ", ".join(f"{k} {e} exact / {s} skipped" for k, (e, s) in counts.items())
                )


if __name__ == "__main__":
    main()
