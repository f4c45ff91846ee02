"""Time comparing 10 minutes of playing with its score (the issue's limit: 10 s).

A 300-bar piece (4/4, 120 BPM: 10 minutes, about 2500 notes) is written as MusicXML with
partitura, played with the tempo swinging by ±20 % and 5 % of the notes wrong or skipped, and
rendered by FluidSynth (cached under ~/.cache/pianoscope-tests). The script prints the time of
each stage on this machine and the share of score notes matched correctly.

    python bench/bench_score_alignment.py [--bars 300]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.score_pieces import PieceSpec, perform, planted_errors, write_piece
from support.score_renders import render
from support.score_truth import correctly_matched

from pianoscope.audio.fileio import write_audio
from pianoscope.score.loading import load_score
from pianoscope.transcription.transcriber import transcribe_notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bars", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pianoscope-bench-score-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        path = write_piece(folder / "long.musicxml", PieceSpec(bars=args.bars, seed=7))
        written_s = time.perf_counter() - started
        started = time.perf_counter()
        score = load_score(path)
        loaded_s = time.perf_counter() - started
        performance = perform(score, planted_errors(score, share=0.05, seed=0))
        samples = render(performance.notes)
        take = folder / "take.flac"
        write_audio(take, samples)
        minutes = samples.size / 44_100 / 60
        print(f"{len(score.notes)} score notes in {len(score.bars)} bars; take {minutes:.1f} min")
        print(f"writing the MusicXML {written_s:.2f} s, loading it {loaded_s:.2f} s")

        started = time.perf_counter()
        import parangonar  # noqa: F401 - timed on its own: it imports torch and matplotlib

        print(f"importing parangonar: {time.perf_counter() - started:.2f} s (once per process)")
        from pianoscope.score.alignment import align_notes
        from pianoscope.score.comparison import compare_with_score
        from pianoscope.score.take import compare_take_file

        started = time.perf_counter()
        transcription = transcribe_notes(samples)
        print(f"transcription: {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        align_notes(score, transcription.notes)
        print(f"note alignment (parangonar, vectorised DTW): {time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        comparison = compare_with_score(
            score, transcription.notes, onset_times_s=transcription.onset_times_s, samples=samples
        )
        aligned_s = time.perf_counter() - started
        print(f"alignment + audio checks + bars + findings: {aligned_s:.2f} s (limit 10 s)")
        started = time.perf_counter()
        compare_take_file(score, take)
        print(f"whole take from the FLAC file: {time.perf_counter() - started:.2f} s")
        share = correctly_matched(performance, comparison)
        print(f"score notes matched correctly: {share:.1%}; {len(comparison.findings)} findings")


if __name__ == "__main__":
    main()
