"""Where the note model misses, on validation clips of the training pianos.

    nice python bench/bench_note_validation.py [--weights NOTE_MODEL.npz] [--clips 32]
        [--training-clips]

The clips are those the decoding is tuned on (`pianoscope.transcription.training.tuning`: seeds from
VALIDATION_FIRST_SEED, the training content in a room, each training piano), never the
benchmark's sets, the Steinway or the reserved SoundFonts, so a recipe can be compared here
without tuning on what measures it. With `--training-clips` the same figures on the first
clips the network was trained on (seeds from 0, as `pianoscope.transcription.training.train` renders
them): a network that scores no better on its own training clips than on new ones is short of
capacity, not of data. Prints the pooled onset-only note precision / recall / F1
(mir_eval, 50 ms) and F1 with offsets (within 20 % of the note or 50 ms), recall by register and
by velocity, and how strongly the network heard the
notes it missed: the highest onset probability on their key within 40 ms of the true onset.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

import mir_eval
import numpy as np

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.transcription.decode import decode_notes
from pianoscope.transcription.network import load_weights
from pianoscope.transcription.spectrogram import FRAME_RATE_HZ, LOWEST_MIDI, SAMPLE_RATE_HZ
from pianoscope.transcription.training.content import SoundingNote
from pianoscope.transcription.training.data import TRAINING_PIANOS, render_clips
from pianoscope.transcription.training.tuning import VALIDATION_FIRST_SEED, note_arrays
from pianoscope.transcription.transcriber import NoteTranscriber, shipped_weights

REGISTERS = (("below C3", 21, 48), ("C3-B4", 48, 72), ("C5 and up", 72, 109))
VELOCITIES = (("below 60", 0, 60), ("60-89", 60, 90), ("90 and up", 90, 128))
HEARD_BOUNDS = (0.3, 0.5)


@dataclass(frozen=True)
class NoteOutcome:
    """One reference note: found or not, and the network's onset probability near it."""

    note: SoundingNote
    found: bool
    onset_probability: float


def outcomes(
    samples: np.ndarray, notes: Sequence[SoundingNote], weights: dict[str, np.ndarray]
) -> tuple[list[NoteOutcome], int, int]:
    """Each reference note's outcome, how many notes the model reported, and how many matched
    with their offsets too."""
    transcriber = NoteTranscriber(
        weights, reference_db=signal_reference_level_db(samples, SAMPLE_RATE_HZ)
    )
    transcriber.feed(samples)
    activations = transcriber.activations()
    found = decode_notes(
        activations,
        onset_threshold=float(weights["onset_threshold"]),
        frame_threshold=float(weights["frame_threshold"]),
    )
    onset = activations.onset
    arrays = (*note_arrays(notes), *note_arrays(found))
    matching = mir_eval.transcription.match_notes(*arrays, onset_tolerance=0.05, offset_ratio=None)
    with_offsets = mir_eval.transcription.match_notes(
        *arrays, onset_tolerance=0.05, offset_ratio=0.2
    )
    matched = {reference for reference, _ in matching}
    result = []
    for index, note in enumerate(notes):
        frame = round(note.onset_s * FRAME_RATE_HZ)
        near = onset[max(0, frame - 2) : frame + 3, note.midi - LOWEST_MIDI]
        result.append(NoteOutcome(note, index in matched, float(near.max(initial=0.0))))
    return result, len(found), len(with_offsets)


def recall(rows: Sequence[NoteOutcome]) -> str:
    return f"{np.mean([r.found for r in rows]):.3f} ({len(rows)})" if rows else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", help="note model .npz (default: the shipped one)")
    parser.add_argument("--clips", type=int, default=32, help="clips per training piano")
    parser.add_argument(
        "--training-clips",
        action="store_true",
        help="measure on the network's own training clips instead of validation clips",
    )
    arguments = parser.parse_args()
    weights = load_weights(arguments.weights) if arguments.weights else shipped_weights()
    first_seed = 0 if arguments.training_clips else VALIDATION_FIRST_SEED
    seeds = range(first_seed, first_seed + arguments.clips)
    rows: list[NoteOutcome] = []
    reported = matched_with_offsets = 0
    for piano in TRAINING_PIANOS:
        for clip in render_clips(piano, seeds):
            clip_rows, clip_reported, clip_with_offsets = outcomes(
                clip.samples, clip.notes, weights
            )
            rows += clip_rows
            reported += clip_reported
            matched_with_offsets += clip_with_offsets
    matched = sum(r.found for r in rows)
    precision, found_share = matched / max(reported, 1), matched / max(len(rows), 1)
    f1 = 2.0 * matched / max(reported + len(rows), 1)
    print(f"{len(rows)} notes in {len(seeds) * len(TRAINING_PIANOS)} clips")
    print(f"onset P / R / F1: {precision:.3f} / {found_share:.3f} / {f1:.3f}")
    print(f"with offsets F1: {2.0 * matched_with_offsets / max(reported + len(rows), 1):.3f}")
    for name, low, high in REGISTERS:
        print(f"recall {name}: {recall([r for r in rows if low <= r.note.midi < high])}")
    for name, low, high in VELOCITIES:
        print(
            f"recall velocity {name}: {recall([r for r in rows if low <= r.note.velocity < high])}"
        )
    missed = [r.onset_probability for r in rows if not r.found]
    low_bound, high_bound = HEARD_BOUNDS
    print(
        f"missed {len(missed)}: onset probability < {low_bound} for "
        f"{sum(p < low_bound for p in missed)}, {low_bound}-{high_bound} for "
        f"{sum(low_bound <= p < high_bound for p in missed)}, >= {high_bound} for "
        f"{sum(p >= high_bound for p in missed)}"
    )


if __name__ == "__main__":
    main()
