"""One key press, one note: held chords of the training pianos, beyond the test's six cases.

`tests/transcription/test_held_notes.py` holds the acceptance's six held notes and chords on
the allowed pianos (every one passes since stop 69). Tuning the decoding on those would fit
the test; this bench draws other held chords (CHORDS seeded chords of the SHAPES below at
random roots, velocities and lengths, half of them pedalled) on the distinct training pianos
(the decoding's validation pianos, never the bench's reserved ones), dry and in a room, and
prints the share transcribed exactly (every key once, at its onset, nothing else) by chord
shape and by piano, and what went wrong: a key missing, a note that was not played, or a key
found again later.

    python bench/bench_held_notes.py [--weights NOTE_MODEL.npz] [--chords 36]
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.model.training.augment import add_reverb
from pianoscope.model.training.midi_gen import Phrase
from pianoscope.numeric_threads import use_one_numeric_thread
from pianoscope.transcription.network import load_weights
from pianoscope.transcription.training.content import HELD_CHORD_ONSET_S, held_chord
from pianoscope.transcription.training.data import MUSESCORE_FULL, TRAINING_PIANOS, render_dry
from pianoscope.transcription.transcriber import shipped_weights, transcribe_notes

# Semitones over the root: a single key, octaves, double octaves, triads with and without the
# root doubled, fifths, tenths and twelfths.
SHAPES = (
    (0,), (0, 12), (0, 12, 24), (0, 4, 7, 12), (0, 3, 7, 12), (0, 7, 12), (0, 7, 16), (0, 4, 7),
    (0, 12, 19),
)  # fmt: skip
SEED = 123
ONSET_TOLERANCE_S = 0.05
# MuseScore_General's HQ grand renders sample for sample as the Lite one's.
PIANOS = tuple(piano for piano in TRAINING_PIANOS if piano != MUSESCORE_FULL)


def chords(count: int) -> list[tuple[tuple[int, ...], Phrase]]:
    """`count` held chords (shape, phrase), the shapes in turn."""
    rng = np.random.default_rng(SEED)
    drawn = []
    for index in range(count):
        shape = SHAPES[index % len(SHAPES)]
        root = int(rng.integers(33, 70))
        held_s = float(rng.uniform(2.0, 6.0))
        velocity = int(rng.integers(60, 115))
        pedal_after_s = float(rng.uniform(0.5, 1.0)) if rng.random() < 0.5 else 0.0
        pitches = tuple(root + step for step in shape)
        phrase = held_chord(pitches, held_s, velocity=velocity, pedal_after_s=pedal_after_s)
        drawn.append((shape, phrase))
    return drawn


def what_went_wrong(notes: Sequence[NoteEvent], played: set[int]) -> list[str]:
    """Nothing when every played key is one note at its onset and nothing else was found."""
    on_time = {n.midi for n in notes if abs(n.onset_s - HELD_CHORD_ONSET_S) <= ONSET_TOLERANCE_S}
    wrong = []
    if played - on_time:
        wrong.append("a key missing")
    if any(n.midi not in played for n in notes):
        wrong.append("a note not played")
    if sum(n.midi in played for n in notes) > len(played & on_time):
        wrong.append("a key found again")
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, help="a training run's .npz (default: shipped)")
    parser.add_argument("--chords", type=int, default=36)
    args = parser.parse_args()
    use_one_numeric_thread()  # as the pianoscope command does
    weights = load_weights(args.weights) if args.weights else shipped_weights()
    drawn = chords(args.chords)
    exact: Counter[object] = Counter()
    total: Counter[object] = Counter()
    wrong: Counter[str] = Counter()
    for piano in PIANOS:
        rendered = render_dry(piano, [phrase for _, phrase in drawn])
        for index, ((shape, phrase), dry) in enumerate(zip(drawn, rendered, strict=True)):
            room = add_reverb(dry, np.random.default_rng(index), 1.2, 0.5)
            for samples in (dry, room):
                notes = transcribe_notes(samples, weights).notes
                found_wrong = what_went_wrong(notes, {note.pitch for note in phrase.notes})
                wrong.update(found_wrong)
                for key in (shape, piano, "all"):
                    total[key] += 1
                    exact[key] += not found_wrong
    print(f"{args.chords} held chords per piano, dry and in a room: transcribed exactly")
    for key in (*SHAPES, *PIANOS, "all"):
        print(f"  {key!s:28s} {exact[key]:4d} / {total[key]:4d}  ({exact[key] / total[key]:.0%})")
    print("  cases with " + ", ".join(f"{what}: {count}" for what, count in wrong.items()))


if __name__ == "__main__":
    main()
