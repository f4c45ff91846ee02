"""The held-note test's cases through Pianoscope, basic-pitch and transkun, side by side.

Issue 13 asks one note per held key (nothing else) for the acceptance's held notes and chords
(`pianoscope.transcription.training.held_cases`: six cases on every allowed SoundFont grand and
the Steinway B samples, dry and in a room). `tests/transcription/test_held_notes.py` holds
Pianoscope to it; this bench asks whether the field's tools meet the same bar on the same
renderings, and prints each tool's count of cases transcribed exactly and the cases it fails
with the notes it found. transkun runs at a fraction of real time here, so by default it
hears only the Steinway's cases (`--transkun-pianos all` for every piano, five times as long).

    python bench/bench_held_cases.py [--weights NOTE_MODEL.npz] [--no-basic-pitch]
                                     [--transkun-pianos steinway-b|all|none]
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from pianoscope.audio.fileio import write_audio
from pianoscope.numeric_threads import use_one_numeric_thread
from pianoscope.transcription.network import load_weights
from pianoscope.transcription.training.data import STEINWAY
from pianoscope.transcription.training.held_cases import (
    HELD_CASES,
    HELD_PIANOS,
    ROOMS,
    heard_in,
    one_note_per_key,
    rendered_cases,
)
from pianoscope.transcription.transcriber import shipped_weights, transcribe_notes

Onsets = list[tuple[float, int]]  # (onset_s, midi) of each transcribed note


def pianoscope_tool(weights: dict[str, np.ndarray]) -> Callable[[np.ndarray], Onsets]:
    return lambda samples: [(n.onset_s, n.midi) for n in transcribe_notes(samples, weights).notes]


def basic_pitch_tool(folder: Path) -> Callable[[np.ndarray], Onsets]:
    """basic-pitch's bundled ONNX model; it reads files, so each case is written first."""
    from bench_transcription import basic_pitch_reader

    read = basic_pitch_reader()

    def run(samples: np.ndarray) -> Onsets:
        path = folder / "case.wav"
        write_audio(path, samples)
        return [(onset_s, midi) for onset_s, _, midi, _ in read(path)]

    return run


def transkun_tool() -> Callable[[np.ndarray], Onsets]:
    from transkun_tool import load_transkun

    transcribe = load_transkun()
    return lambda samples: [(onset_s, midi) for onset_s, _, midi, _ in transcribe(samples)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, help="a training run's .npz (default: shipped)")
    parser.add_argument("--no-basic-pitch", action="store_true")
    parser.add_argument("--transkun-pianos", choices=(STEINWAY, "all", "none"), default=STEINWAY)
    args = parser.parse_args()
    use_one_numeric_thread()  # as the pianoscope command does
    weights = load_weights(args.weights) if args.weights else shipped_weights()
    with tempfile.TemporaryDirectory() as folder:
        tools = {"pianoscope": pianoscope_tool(weights)}
        if not args.no_basic_pitch:
            tools["basic-pitch"] = basic_pitch_tool(Path(folder))
        if args.transkun_pianos != "none":
            tools["transkun"] = transkun_tool()
        exact: Counter[tuple[str, str]] = Counter()
        total: Counter[tuple[str, str]] = Counter()
        for piano in HELD_PIANOS:
            for case, dry in rendered_cases(piano).items():
                for room in ROOMS:
                    samples = heard_in(dry, room)
                    for tool, transcribe in tools.items():
                        if tool == "transkun" and args.transkun_pianos not in ("all", piano):
                            continue
                        notes = transcribe(samples)
                        total[tool, piano] += 1
                        if one_note_per_key(case, notes):
                            exact[tool, piano] += 1
                        else:
                            found = " ".join(f"{midi}@{onset_s:.2f}" for onset_s, midi in notes)
                            print(f"  {tool} fails {piano} {case} {room}: {found}", flush=True)
    print(f"Held cases transcribed exactly (one note per key, {len(HELD_CASES)} cases dry and "
          "in a room per piano):")  # fmt: skip
    for tool in tools:
        counts = [
            f"{piano} {exact[tool, piano]}/{total[tool, piano]}"
            for piano in HELD_PIANOS
            if total[tool, piano]
        ]
        all_exact = sum(exact[tool, piano] for piano in HELD_PIANOS)
        all_total = sum(total[tool, piano] for piano in HELD_PIANOS)
        print(f"  {tool:12s} {all_exact}/{all_total}: " + ", ".join(counts))


if __name__ == "__main__":
    main()
