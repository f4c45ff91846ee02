"""How much of a note's velocity its loudness tells, per piano: the ceiling of a level reader.

Issue 13 asks for a Spearman correlation >= 0.8 between true and estimated velocity per piano.
A reader can only be as good as what the sound carries. Here every note of the bench's clips
(`bench_transcription.py`'s seeds, CLIPS clips of 10 s per piano) is rendered alone, dry, and
its loudest 100 ms measured; the Spearman correlation between the played velocity and that
level is what a reader of level alone could reach with no room, no other notes and no noise.
The second figure first removes the piano's register balance (a cubic in MIDI pitch fitted to
the level left over after a line in velocity), which a reader that knew the piano's voicing
could undo. Timbre (the brighter attack of a harder blow) can carry more than this on pianos
whose samples change with velocity.

Beside them, the note network's Spearman on the same notes (the clips joined into one file in
a room, read through the piano's mf calibration, as `bench_transcription.py` reads them), and
the same after a key balance: every key played once at velocity 64 in a chromatic scale, dry,
the network's reading of each key less the scale's median is taken off that key's notes. The
product's scale calibration reads each note's own level against its key's instead, with the
network and what sounds around the note (`pianoscope.transcription.velocity_reader`; the
"scale" rows of `bench_transcription.py`).

    python bench/bench_velocity_ceiling.py [--clips 4] [--sets WORD ...]
"""

from __future__ import annotations

import argparse

import mir_eval
import numpy as np
from bench_transcription import (  # same notes, same pianos, same scale
    FIRST_SEED,
    RESERVED_PIANOS,
    joined,
)
from scipy.stats import spearmanr

from pianoscope.model.calibration import Calibration
from pianoscope.model.training.midi_gen import Note, Phrase
from pianoscope.numeric_threads import use_one_numeric_thread
from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ
from pianoscope.transcription.training.content import (
    SCALE_START_S,
    SCALE_STEP_S,
    SoundingNote,
    chromatic_scale,
)
from pianoscope.transcription.training.data import (
    SALAMANDER,
    STEINWAY,
    TRAINING_PIANOS,
    Clip,
    render_clips,
    render_dry,
)
from pianoscope.transcription.training.tuning import note_arrays, piano_calibration_offset_db
from pianoscope.transcription.transcriber import transcribe_notes

NOTE_S = 1.0
RENDER_S = 1.5
LEVEL_FRAME = SAMPLE_RATE_HZ // 10  # 100 ms
LEVEL_HOP = SAMPLE_RATE_HZ // 100
LOWEST_MIDI = 21
ONSET_TOLERANCE_S = 0.06


def peak_level_db(samples: np.ndarray) -> float:
    """The loudest 100 ms, dB relative to full scale (mean square of the frame)."""
    power = np.lib.stride_tricks.sliding_window_view(samples.astype(np.float64) ** 2, LEVEL_FRAME)
    return float(10.0 * np.log10(power[::LEVEL_HOP].mean(axis=1).max() + 1e-12))


def isolated_levels(piano: str, notes: list[SoundingNote]) -> np.ndarray:
    """Each note played alone for NOTE_S on `piano`, dry: its loudest 100 ms, dB."""
    phrases = [
        Phrase("legato", "mf", (Note(0.0, NOTE_S, n.midi, n.velocity),), (), 120.0, RENDER_S)
        for n in notes
    ]
    return np.array([peak_level_db(samples) for samples in render_dry(piano, phrases)])


def ceilings(velocities: np.ndarray, midi: np.ndarray, levels: np.ndarray) -> tuple[float, float]:
    """Spearman(velocity, level), and the same with the register balance removed."""
    raw = float(spearmanr(velocities, levels).statistic)
    left = levels - np.polyval(np.polyfit(velocities, levels, 1), velocities)
    balanced = levels - np.polyval(np.polyfit(midi, left, 3), midi)
    return raw, float(spearmanr(velocities, balanced).statistic)


def network_readings(clips: list[Clip], calibration: Calibration) -> np.ndarray:
    """(true velocity, read velocity, MIDI) of every note the network found (onset within
    50 ms), the clips joined into one recording."""
    recording = joined(clips)
    notes = recording.notes
    found = transcribe_notes(recording.samples, calibration=calibration).notes
    matching = mir_eval.transcription.match_notes(
        *note_arrays(notes), *note_arrays(found), onset_tolerance=0.05, offset_ratio=None
    )
    return np.array([(notes[i].velocity, found[j].velocity, notes[i].midi) for i, j in matching])


def key_balance(piano: str, calibration: Calibration) -> dict[int, float]:
    """Per key, how much louder than the scale's median the network reads it at velocity 64."""
    (scale,) = render_dry(piano, [chromatic_scale()])
    read = {}
    for note in transcribe_notes(scale, calibration=calibration).notes:
        step = round((note.onset_s - SCALE_START_S) / SCALE_STEP_S)
        played_s = SCALE_START_S + SCALE_STEP_S * step
        if note.midi == LOWEST_MIDI + step and abs(note.onset_s - played_s) < ONSET_TOLERANCE_S:
            read[note.midi] = note.velocity
    median = float(np.median(list(read.values())))
    return {midi: velocity - median for midi, velocity in read.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=4)
    parser.add_argument("--sets", nargs="+", metavar="WORD")
    args = parser.parse_args()
    use_one_numeric_thread()  # as the pianoscope command does
    pianos = [*TRAINING_PIANOS, STEINWAY, *RESERVED_PIANOS, SALAMANDER]
    if args.sets:
        pianos = [p for p in pianos if any(w.lower() in p.lower() for w in args.sets)]
    seeds = range(FIRST_SEED, FIRST_SEED + args.clips)
    print(
        f"{args.clips} clips x 10 s per piano, each note rendered alone, dry. Spearman between "
        "played velocity and the note's loudest 100 ms | with the register balance removed || "
        "the note network, calibrated | with a scale's key balance"
    )
    for piano in pianos:
        notes = [note for clip in render_clips(piano, seeds, room=False) for note in clip.notes]
        velocities = np.array([n.velocity for n in notes], dtype=float)
        midi = np.array([n.midi for n in notes], dtype=float)
        raw, balanced = ceilings(velocities, midi, isolated_levels(piano, notes))
        calibration = Calibration(piano_calibration_offset_db(piano))
        true, read, keys = network_readings(render_clips(piano, seeds), calibration).T
        balance = key_balance(piano, calibration)
        evened = read - np.array([balance.get(int(key), 0.0) for key in keys])
        print(
            f"  {piano:28s} {len(notes):4d} notes   rho {raw:5.2f} | {balanced:5.2f} || "
            f"{spearmanr(true, read).statistic:5.2f} | {spearmanr(true, evened).statistic:5.2f}"
            f"  ({len(balance)} of 88 keys read in the scale)"
        )


if __name__ == "__main__":
    main()
