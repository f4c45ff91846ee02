"""Fit the velocity reader (`pianoscope.transcription.velocity_reader`) for a trained note
network and its peak judge.

    python -m pianoscope.transcription.training.velocity_fit [--weights NOTE_MODEL.npz]
        [--leave-one-out]

The reader learns from the notes the transcriber finds, so it is fitted after the network and
its judge (the training command does it last; this command does it for weights trained before
it existed, writing the reader into the same .npz). Each piano the network learnt plays a
chromatic scale at velocity 64, dry (its scale calibration, as `bench/bench_transcription.py`
plays it), and the judge's clips (the training content under seeds 30 000 ..., in a room);
every note found within 50 ms of a played onset on its key is a case, its played velocity the
target. With `--leave-one-out` it writes nothing and prints, per piano family, the Spearman
correlation between played and read velocity of a reader fitted on the other families, beside
the geometric mean the scale calibration used before (`key_balance.balanced_velocities`).

Scikit-learn fits the trees (`train` extra); the product evaluates them with numpy only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import spearmanr
from sklearn.ensemble import HistGradientBoostingRegressor

from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.dsp.notes import NoteEvent
from pianoscope.numeric_threads import use_one_numeric_thread
from pianoscope.pinned_numerics import go_on_pinned
from pianoscope.transcription.boosted_trees import BoostedTrees
from pianoscope.transcription.key_balance import VELOCITY_DB_PER_DECADE, balanced_velocities
from pianoscope.transcription.network import load_weights
from pianoscope.transcription.scale_calibration import calibrate_scale
from pianoscope.transcription.spectrogram import KEY_COUNT, LOWEST_MIDI, SAMPLE_RATE_HZ
from pianoscope.transcription.training.content import SoundingNote, chromatic_scale
from pianoscope.transcription.training.data import render_clips, render_dry
from pianoscope.transcription.training.fit_command import (
    fit_parser,
    fitted_pianos,
    render_cache,
    write_into,
)
from pianoscope.transcription.training.peak_judge_fit import JUDGE_FIRST_SEED
from pianoscope.transcription.training.render_cache import RenderCache
from pianoscope.transcription.training.tree_export import fitted_trees
from pianoscope.transcription.transcriber import NoteTranscriber
from pianoscope.transcription.velocity_reader import (
    ARRAY_PREFIX,
    VELOCITY_FEATURES,
    velocities_read,
)

log = logging.getLogger(__name__)

CLIPS_PER_PIANO = 24
ONSET_TOLERANCE_S = 0.05
MIN_NOTES = 100
VOICING_DB = 6.0
VOICING_SEED = 60
# Boosted trees: 200 rounds of trees with 15 leaves at learning rate 0.05.
TREE_ROUNDS = 200
TREE_LEAVES = 15
TREE_LEARNING_RATE = 0.05


@dataclass(frozen=True)
class VelocityCases:
    """One piano's notes found in its clips: their features, played velocities and the
    geometric mean's reading (`balanced_velocities`) for comparison."""

    piano: str
    features: np.ndarray
    played: np.ndarray
    balanced: np.ndarray


def fit_velocity_reader(
    weights: dict[str, np.ndarray],
    pianos: Sequence[str],
    *,
    clips_per_piano: int = CLIPS_PER_PIANO,
    cache: RenderCache | None = None,
) -> BoostedTrees | None:
    """The reader for `weights`' network and judge, learnt on clips of `pianos` (the pianos it
    was trained on; fewer clips than the default only to test the command); None when the
    network found fewer than MIN_NOTES notes to learn from (a network barely trained)."""
    cases = heard_cases(weights, pianos, clips_per_piano, cache)
    found = notes_found(cases)
    if found < MIN_NOTES:
        log.warning("velocity reader: only %d notes found, none fitted", found)
        return None
    return fitted_reader(cases)


def notes_found(cases: Sequence[VelocityCases]) -> int:
    """How many notes the network found to learn a reader from (a fit needs MIN_NOTES)."""
    return sum(len(case.played) for case in cases)


def heard_cases(
    weights: dict[str, np.ndarray],
    pianos: Sequence[str],
    clips_per_piano: int,
    cache: RenderCache | None,
) -> list[VelocityCases]:
    """`velocity_cases` of each of `pianos`, leaving out (with a warning) a piano whose scale
    calibration heard too few keys, so that one piano the network barely hears does not stop
    the fit for the others."""
    cases = []
    for piano in pianos:
        try:
            cases.append(velocity_cases(weights, piano, clips_per_piano, cache))
        except ValueError as error:
            log.warning("velocity reader: %s left out: %s", piano, error)
    return cases


def fitted_reader(cases: Sequence[VelocityCases]) -> BoostedTrees:
    """Boosted trees fitted on `cases` of every piano at once, and on each piano again voiced
    unevenly (`unevenly_voiced`)."""
    rng = np.random.default_rng(VOICING_SEED)
    voiced = [unevenly_voiced(case.features, rng) for case in cases]
    features = np.concatenate([case.features for case in cases] + voiced)
    played = np.concatenate([case.played for case in cases] * 2)
    log.info("velocity reader: %d notes", len(played))
    return fitted_trees(
        HistGradientBoostingRegressor,
        features,
        played,
        rounds=TREE_ROUNDS,
        leaves=TREE_LEAVES,
        learning_rate=TREE_LEARNING_RATE,
    )


def unevenly_voiced(features: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`features` of notes on the same piano with each key up to VOICING_DB louder or softer
    (a gain drawn per key): the network's velocity moves with the gain, on the General MIDI
    curve, while the level against the key's scale level, which the scale hears with the same
    gain, does not. Without these the reader leaned on the network so much that a piano
    voiced unevenly (tests/transcription/test_key_balance.py: TimGM6mb's keys by up to 6 dB)
    read 0.946 where the geometric mean reads 0.97 (with them 0.956)."""
    gains_db = rng.uniform(-VOICING_DB, VOICING_DB, KEY_COUNT)
    network = VELOCITY_FEATURES.index("network velocity")
    keys = features[:, VELOCITY_FEATURES.index("key")].astype(int) - LOWEST_MIDI
    voiced = features.copy()
    moved = voiced[:, network] * 10.0 ** (gains_db[keys] / VELOCITY_DB_PER_DECADE)
    voiced[:, network] = np.clip(np.round(moved), 1, 127)
    return voiced


def velocity_cases(
    weights: dict[str, np.ndarray], piano: str, clips: int, cache: RenderCache | None
) -> VelocityCases:
    """The notes the transcriber finds in `clips` clips of `piano`, read through its scale
    calibration, that answer a played note."""
    (scale_samples,) = render_dry(piano, [chromatic_scale()], cache)
    scale = calibrate_scale(scale_samples, weights)
    network_read = replace(scale, key_levels_db=None)  # the notes keep the network's velocity
    seeds = range(JUDGE_FIRST_SEED, JUDGE_FIRST_SEED + clips)
    rows, played, balanced = [], [], []
    for clip in render_clips(piano, seeds, cache=cache):
        transcriber = NoteTranscriber(
            weights,
            reference_db=signal_reference_level_db(clip.samples, SAMPLE_RATE_HZ),
            calibration=network_read,
            workers=1,
            with_tempo=False,
        )
        transcriber.feed(clip.samples)
        activations = transcriber.activations()
        notes = transcriber.notes_of(activations)
        velocities = played_velocities(notes, clip.notes)
        answered = [note for note, velocity in zip(notes, velocities, strict=True) if velocity]
        levels_db = transcriber.note_levels_db(answered)
        features = transcriber.velocity_features(
            answered, levels_db, scale.key_levels_db, activations
        )
        rows.append(features)
        played += [velocity for velocity in velocities if velocity]
        balanced += [
            note.velocity for note in balanced_velocities(answered, levels_db, scale.key_levels_db)
        ]
    log.info("velocity reader: %s, %d notes", piano, len(played))
    return VelocityCases(
        piano, np.concatenate(rows), np.array(played, dtype=int), np.array(balanced, dtype=int)
    )


def played_velocities(notes: Sequence[NoteEvent], reference: Sequence[SoundingNote]) -> list[int]:
    """Each found note's played velocity: that of the reference note on its key whose onset
    is nearest, within ONSET_TOLERANCE_S; 0 when none is."""
    velocities = []
    for note in notes:
        near = [
            (abs(played.onset_s - note.onset_s), played.velocity)
            for played in reference
            if played.midi == note.midi and abs(played.onset_s - note.onset_s) <= ONSET_TOLERANCE_S
        ]
        velocities.append(min(near)[1] if near else 0)
    return velocities


def family(piano: str) -> str:
    """A piano's family: MuseScore's Lite and Full grands are one recording, freepats' grand and
    bright one sample set; a family is left out whole."""
    return piano.split("_")[0].split("-")[0]


def leave_one_out(cases: Sequence[VelocityCases]) -> dict[str, tuple[float, float]]:
    """Per piano, the Spearman correlation of its played velocities with the geometric mean's
    reading and with a reader fitted on the other families."""
    scores = {}
    for held in cases:
        reader = fitted_reader([case for case in cases if family(case.piano) != family(held.piano)])
        read = velocities_read(held.features, reader)
        scores[held.piano] = (
            float(spearmanr(held.played, held.balanced)[0]),
            float(spearmanr(held.played, read)[0]),
        )
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = fit_parser(__doc__.splitlines()[0], "the reader")
    parser.add_argument(
        "--leave-one-out",
        action="store_true",
        help="print each family's figures with a reader fitted on the others; write nothing",
    )
    arguments = parser.parse_args(argv)
    # Pinned as the training command that ends with this fit, so that both fit the same trees
    # (unpinned, the network's activations round otherwise: see peak_judge_fit's main).
    go_on_pinned("pianoscope.transcription.training.velocity_fit", argv)
    use_one_numeric_thread()  # as the pianoscope command does
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    weights = load_weights(arguments.weights)
    cache = render_cache(arguments)
    pianos = fitted_pianos(arguments)
    cases = heard_cases(weights, pianos, CLIPS_PER_PIANO, cache)
    if notes_found(cases) < MIN_NOTES:
        parser.exit(1, "the network found too few notes to fit a velocity reader on\n")
    if arguments.leave_one_out:
        print("left out: Spearman played vs read, the geometric mean -> the reader")
        for piano, (balanced, read) in leave_one_out(cases).items():
            print(f"  {piano:28s} {balanced:.3f} -> {read:.3f}")
        return
    write_into(arguments.weights, fitted_reader(cases).arrays(ARRAY_PREFIX))
    log.info("wrote the velocity reader into %s", arguments.weights)


if __name__ == "__main__":
    main()
