"""How the score comparison holds on pianos it was not tuned on: MuseScore_General_Lite's and
TimGM6mb's grands (the tests and thresholds use FluidR3's).

For the two test pieces: the findings on the exact rendering (each one false), the share of
notes matched correctly with the tempo swinging ±20 % and 5 % wrong or skipped notes (two
seeds), and for piece A whether each planted fault is found and what else is reported.

    python bench/bench_score_soundfonts.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.score_pieces import (
    PIECE_A,
    PIECE_B,
    Faults,
    Performance,
    perform,
    planted_errors,
    write_piece,
)
from support.score_renders import render
from support.score_truth import correctly_matched, planted_faults

from pianoscope.model.training.render import MUSESCORE_LITE, TIMGM
from pianoscope.score.comparison import ScoreComparison, compare_with_score
from pianoscope.score.loading import Score, load_score
from pianoscope.transcription.transcriber import transcribe_notes


def compare(score: Score, faults: Faults, soundfont: str) -> tuple[Performance, ScoreComparison]:
    performance = perform(score, faults)
    samples = render(performance.notes, soundfont)
    transcription = transcribe_notes(samples)
    comparison = compare_with_score(
        score, transcription.notes, onset_times_s=transcription.onset_times_s, samples=samples
    )
    return performance, comparison


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="pianoscope-bench-fonts-") as tmp:
        pieces = {
            name: load_score(write_piece(Path(tmp) / f"piece_{name}.musicxml", spec))
            for name, spec in (("a", PIECE_A), ("b", PIECE_B))
        }
    for soundfont in (MUSESCORE_LITE, TIMGM):
        for name, score in pieces.items():
            _, exact = compare(score, Faults(), soundfont)
            print(f"{soundfont}, piece {name} ({len(score.notes)} notes)")
            texts = [f.text for f in exact.findings]
            print(f"  exact rendering: {len(texts)} findings {texts}")
            shares = [
                correctly_matched(*compare(score, planted_errors(score, 0.05, seed), soundfont))
                for seed in (0, 1)
            ]
            print("  matched correctly: " + ", ".join(f"{share:.1%}" for share in shares))
            if name != "a":
                continue
            for fault, (faults, kind, first, last) in planted_faults(score).items():
                _, found = compare(score, faults, soundfont)
                reports = [(f.kind, f.first_bar, f.last_bar) for f in found.findings]
                others = [f.text for f in found.findings if (f.kind, f.first_bar) != (kind, first)]
                verdict = "found" if (kind, first, last) in reports else "NOT FOUND"
                print(f"  {fault}: {verdict}; also reported: {others}")


if __name__ == "__main__":
    main()
