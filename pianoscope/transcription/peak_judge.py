"""Which onset peaks are struck keys, judged by boosted trees over what the network says.

`decode`'s hand rules look at a peak through a few numbers each (its onset probability, how
long its key sounds, a stronger peak a harmonic interval away), and each threshold trades one
kind of error for another. The judge reads the same evidence, and more of it, at once: every
peak of onset probability CANDIDATE_THRESHOLD or more (well under the rules' 0.4-0.5, so soft
notes under louder ones are candidates too) is described by PEAK_FEATURES (its onset shape,
its key's frame probability from 80 ms before to 180 ms after and its mean over 0.2-2 s, the
peaks struck with it a harmonic interval below or above or a semitone away, the keys already
sounding a harmonic below, how far the nearest strong attack elsewhere is, and the level the
network read at its key: at the attack against the loudest key's and the keys a harmonic below
and an octave above, how much it rose, how much it falls over the next half second; and the
level the long frames read there over its neighbours a semitone away), and gradient boosted
trees give the probability that it is a played key. The probabilities alone
do not say how loud a partial is against the note it belongs to; the levels do, once the
judge has also heard every key struck alone on each piano (a piano's partials differ by
register and by piano: the Steinway's A3 sounds its third partial louder than its
fundamental). With both, the held-note test's failures fell from seven cases of 60 to four
(stops 61-62, docs/transcription.md). One peak at a time, though, a bright note's partials
in a room still look like keys struck with it: a second stage of trees reads each peak's
measures beside what the first stage said of the peaks struck with it at harmonic intervals
(`harmonic_context`), and takes the note whose harmonic places are half believed all at once
for one note (stop 68: the held-note cases in ten rooms from 277 to 293 of 300). The short
frames blur a key into its neighbours, so a loud C5 lifted the B4 beside it into a note in a
room; the long frames part them (stop 69: the fine cues, FINE_FRAMES). The trees are
fitted after the network, on its activations over clips of the training pianos that neither it
nor the benchmark saw (`pianoscope.transcription.training.peak_judge_fit`), and stored with its
weights as plain arrays; this module only evaluates them (numpy, no scikit-learn at run time).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import maximum_filter1d

from pianoscope.transcription.boosted_trees import BoostedTrees
from pianoscope.transcription.harmonic_context import harmonic_context
from pianoscope.transcription.key_balance import ATTACK_FRAMES_AFTER, ATTACK_FRAMES_BEFORE
from pianoscope.transcription.network import NoteActivations

# Peaks of onset probability this high or more are judged. Of the validation notes (96 clips,
# the shipped network), 94 % have one within 50 ms on their key; the rules' 0.5 finds 86 %.
CANDIDATE_THRESHOLD = 0.1


def _partial_interval(harmonic: int) -> int:
    """Semitones, rounded, from a note to its `harmonic`-th partial (1: the note itself)."""
    return round(12.0 * math.log2(harmonic))


# Harmonics 2-12 (octave, twelfth, ...), as the rules count them, for peaks struck together;
# harmonics 2-16 for keys already sounding below.
HARMONIC_INTERVALS = tuple(_partial_interval(harmonic) for harmonic in range(2, 13))
WIDE_INTERVALS = tuple(_partial_interval(harmonic) for harmonic in range(2, 17))
TOGETHER_FRAMES = 2  # peaks 40 ms apart or less are struck together
FRAME_OFFSETS = tuple(range(-4, 10))  # the key's frame probability around the peak
SUSTAIN_FRAMES = (10, 25, 50, 100)
BEFORE_FRAMES = (2, 12)  # "sounding before": frames 12 to 3 before the peak
STRONG_ONSET = 0.5
STRONG_REACH_FRAMES = 25
# The level cues: a key's attack level (the loudest of frames ATTACK_FRAMES_BEFORE before the
# peak to ATTACK_FRAMES_AFTER after it, as `key_balance` reads a note's level), against the
# loudest key's, against the keys a harmonic below (LEVEL_INTERVALS) and an octave above; its
# rise over frames RISE_BEFORE_FRAMES before the peak; its fall DECAY_FRAMES after it.
LEVEL_INTERVALS = (12, 19, 24)
RISE_BEFORE_FRAMES = (8, 3)
DECAY_FRAMES = 25
# The fine cues: the key's level in the long frames (`NoteActivations.fine_key_levels_db`) over
# the louder of its neighbours a semitone away, FINE_FRAMES after the peak, where those 372 ms
# frames hear mostly what follows the attack.
FINE_FRAMES = (5, 10)
# The envelope cues: where the key an ENVELOPE_HARMONICS-th harmonic below sounds (its frame
# probability SOUNDING or more ENVELOPE_SOUNDING_FRAME after the peak), the key's fine level
# FINE_FRAMES[0] after the peak over the mean power of that key's partials beside it (h - 1
# and h + 1): a partial lies on its note's envelope, a key struck there stands out of it.
ENVELOPE_HARMONICS = (2, 3, 4)
ENVELOPE_SOUNDING_FRAME = 2
SOUNDING = 0.5
ARRAY_PREFIX = "judge_"  # its arrays' names in the network's .npz
CONTEXT_PREFIX = "judge_context_"  # the second stage's
FEATURE_COUNT_NAME = f"{ARRAY_PREFIX}feature_count"  # how many measures its trees read

log = logging.getLogger(__name__)


def _feature_names() -> tuple[str, ...]:
    names = ["onset", "onset -2", "onset -1", "onset +1", "onset +2"]
    names += [f"frame {offset:+d}" for offset in FRAME_OFFSETS]
    names += [f"sustain {frames}" for frames in SUSTAIN_FRAMES]
    names += ["sounding before", "velocity", "key", "since previous peak"]
    for group in ("below", "above", "beside"):
        names += [f"{group} onset", f"{group} sustain 10", f"{group} sustain 50", f"{group} count"]
    names += ["together strongest", "together count", "lower sounding before"]
    names += ["lower onset", "upper onset", "other onset", "keys sounding", "lower sustain"]
    names += ["strong attack distance"]
    names += [
        "onset over below",
        "sustain 10 over below",
        "sustain 50 over below",
        "onset over above",
        "sustain 10 over above",
        "onset over beside",
        "sustain 10 over beside",
    ]
    names += ["attack level"]
    names += [f"attack over {interval} below" for interval in LEVEL_INTERVALS]
    names += ["attack over octave above", "rise"]
    names += [f"rise over {interval} below" for interval in LEVEL_INTERVALS[:2]]
    names += ["decay", "decay over octave below"]
    names += [f"fine over beside +{frames}" for frames in FINE_FRAMES]
    names += [f"over the envelope of {harmonic} below" for harmonic in ENVELOPE_HARMONICS]
    names += [f"{harmonic} below sounding" for harmonic in ENVELOPE_HARMONICS]
    return tuple(names)


PEAK_FEATURES = _feature_names()


@dataclass(frozen=True)
class PeakJudge:
    """Boosted trees whose sums are the log-odds that a peak is a played key; peaks whose
    probability reaches `probability_threshold` are notes. With `context`, those trees are a
    first stage, and the second stage's trees read each peak's measures beside what the first
    said of the peaks struck with it (`harmonic_context`); weights fitted before stop 68 have
    none. The weights record how many measures the trees read (FEATURE_COUNT_NAME): the
    second stage reads the context after them, so trees fitted on another list of measures
    would read the wrong columns."""

    trees: BoostedTrees
    probability_threshold: float
    context: BoostedTrees | None = None

    @classmethod
    def of(cls, weights: dict[str, np.ndarray]) -> PeakJudge | None:
        """The judge stored with a network's weights; None for weights without one, or with
        one fitted on other measures than PEAK_FEATURES (fitted before stop 69, which added
        measures; the hand rules decode those weights, and the log says why)."""
        trees = BoostedTrees.of(weights, ARRAY_PREFIX)
        if trees is None:
            return None
        read = int(weights[FEATURE_COUNT_NAME]) if FEATURE_COUNT_NAME in weights else None
        if read != len(PEAK_FEATURES):
            log.warning(
                "the note model's peak judge was fitted on %s measures, this version computes "
                "%d: its notes are decoded by the hand rules; refit it with "
                "python -m pianoscope.transcription.training.peak_judge_fit",
                "an unrecorded number of" if read is None else read,
                len(PEAK_FEATURES),
            )
            return None
        threshold = float(weights[f"{ARRAY_PREFIX}probability_threshold"])
        return cls(trees, threshold, BoostedTrees.of(weights, CONTEXT_PREFIX))

    def arrays(self) -> dict[str, np.ndarray]:
        context = {} if self.context is None else self.context.arrays(CONTEXT_PREFIX)
        return {
            **self.trees.arrays(ARRAY_PREFIX),
            f"{ARRAY_PREFIX}probability_threshold": np.float64(self.probability_threshold),
            FEATURE_COUNT_NAME: np.int64(len(PEAK_FEATURES)),
            **context,
        }

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """The first stage's P(a played key) for each row of `features` (len(PEAK_FEATURES)
        columns)."""
        return self.trees.probabilities(features)

    def peak_probabilities(
        self, activations: NoteActivations, frames: np.ndarray, keys: np.ndarray
    ) -> np.ndarray:
        """P(a played key) of each candidate peak (`candidate_peaks`), by both stages."""
        features = peak_features(activations, frames, keys)
        first = self.probabilities(features)
        if self.context is None:
            return first
        context = harmonic_context(frames, keys, first, activations.onset.shape[0], TOGETHER_FRAMES)
        return self.context.probabilities(np.hstack([features, context]))


def candidate_peaks(onset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frames and keys of the onset peaks the judge looks at (a peak: not below the frame
    before, above the frame after), in frame order."""
    padded = np.pad(onset, ((1, 1), (0, 0)))
    is_peak = (onset >= CANDIDATE_THRESHOLD) & (onset >= padded[:-2]) & (onset > padded[2:])
    return np.nonzero(is_peak)


def judged_peaks(activations: NoteActivations, judge: PeakJudge) -> tuple[np.ndarray, np.ndarray]:
    """Frames and keys of the peaks the judge takes for struck keys."""
    frames, keys = candidate_peaks(activations.onset)
    if frames.size == 0:
        return frames, keys
    probability = judge.peak_probabilities(activations, frames, keys)
    kept = probability >= judge.probability_threshold
    return frames[kept], keys[kept]


def peak_features(activations: NoteActivations, frames: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The PEAK_FEATURES of each candidate peak (frames, keys from `candidate_peaks`),
    float32, one row per peak."""
    onset, frame = activations.onset, activations.frame
    key_count = onset.shape[1]
    columns: list[np.ndarray] = [onset[frames, keys]]
    columns += [_at(onset, frames + shift, keys) for shift in (-2, -1, 1, 2)]
    columns += [_at(frame, frames + shift, keys) for shift in FRAME_OFFSETS]
    sustain = {length: _forward_means(frame, length) for length in SUSTAIN_FRAMES}
    columns += [sustain[length][frames, keys] for length in SUSTAIN_FRAMES]
    before = [_at(frame, frames - back, keys) for back in range(BEFORE_FRAMES[0] + 1,
                                                               BEFORE_FRAMES[1] + 1)]  # fmt: skip
    columns.append(np.max(before, axis=0))
    columns.append(activations.velocity[frames, keys] / 127.0)
    columns.append(keys / (key_count - 1))
    columns.append(_since_previous(frames, keys) / 50.0)
    grid = np.zeros_like(onset)
    grid[frames, keys] = onset[frames, keys]
    offsets = (
        [-interval for interval in HARMONIC_INTERVALS],
        list(HARMONIC_INTERVALS),
        [-1, 1],
    )
    relations = [
        _strongest_together(grid, sustain[10], sustain[50], frames, keys, key_offsets)
        for key_offsets in offsets
    ]
    for relation in relations:
        columns += list(relation)
    strongest, count = _together_elsewhere(grid, frames, keys)
    columns += [strongest, count]
    lower = [-interval for interval in WIDE_INTERVALS]
    upper = list(WIDE_INTERVALS)
    columns.append(_max_over_keys(frame, np.maximum(frames - 3, 0), keys, lower))
    near_onset = maximum_filter1d(onset, 2 * TOGETHER_FRAMES + 1, axis=0, mode="constant")
    columns.append(_max_over_keys(near_onset, frames, keys, lower))
    columns.append(_max_over_keys(near_onset, frames, keys, upper))
    columns.append(_max_elsewhere(near_onset, frames, keys))
    sounding_count = (frame >= 0.5).sum(axis=1)
    columns.append(sounding_count[np.maximum(frames - 3, 0)] / 10.0)
    columns.append(_max_over_keys(sustain[10], frames, keys, lower))
    columns.append(_strong_attack_distance(onset, frames, keys) / STRONG_REACH_FRAMES)
    below, above, beside = relations
    own_onset, own_10, own_50 = columns[0], sustain[10][frames, keys], sustain[50][frames, keys]
    columns += [
        own_onset - below[0],
        own_10 - below[1],
        own_50 - below[2],
        own_onset - above[0],
        own_10 - above[1],
        own_onset - beside[0],
        own_10 - beside[1],
    ]
    columns += _level_cues(activations.key_levels_db, frames, keys)
    columns += _fine_cues(activations.fine_key_levels_db, frames, keys)
    columns += _envelope_cues(activations.fine_key_levels_db, frame, frames, keys)
    return np.column_stack(columns).astype(np.float32)


def _level_cues(levels_db: np.ndarray, frames: np.ndarray, keys: np.ndarray) -> list[np.ndarray]:
    """The level cues of PEAK_FEATURES (see LEVEL_INTERVALS), in dB: a partial of a lower
    note rises and falls with it, at the level its piano gives that partial, where a key
    struck adds its own string's. Keys beyond the keyboard read as the take's floor."""
    floor = _floor_db(levels_db)
    attack = maximum_filter1d(
        levels_db,
        ATTACK_FRAMES_BEFORE + ATTACK_FRAMES_AFTER + 1,
        axis=0,
        origin=(ATTACK_FRAMES_BEFORE - ATTACK_FRAMES_AFTER) // 2,
        mode="nearest",
    )
    last_frame = levels_db.shape[0] - 1
    back = np.arange(RISE_BEFORE_FRAMES[1], RISE_BEFORE_FRAMES[0] + 1)
    before_rows = np.clip(frames[:, None] - back[None, :], 0, last_frame)
    later = np.minimum(frames + DECAY_FRAMES, last_frame)

    def at(grid: np.ndarray, rows: np.ndarray, key_offset: int) -> np.ndarray:
        return _level_at(grid, rows, keys + key_offset, floor)

    def rise(key_offset: int) -> np.ndarray:
        before = np.max(
            [at(levels_db, before_rows[:, i], key_offset) for i in range(back.size)], axis=0
        )
        return at(attack, frames, key_offset) - before

    def decay(key_offset: int) -> np.ndarray:
        return at(levels_db, later, key_offset) - at(attack, frames, key_offset)

    own = attack[frames, keys]
    cues = [own - attack[frames].max(axis=1)]
    cues += [own - at(attack, frames, -interval) for interval in LEVEL_INTERVALS]
    cues += [own - at(attack, frames, 12), rise(0)]
    cues += [rise(0) - rise(-interval) for interval in LEVEL_INTERVALS[:2]]
    cues += [decay(0), decay(0) - decay(-12)]
    return [cue.astype(np.float32) for cue in cues]


def _fine_cues(levels_db: np.ndarray, frames: np.ndarray, keys: np.ndarray) -> list[np.ndarray]:
    """The fine cues of PEAK_FEATURES (see FINE_FRAMES), in dB. The short frames' bands blur a
    key into its neighbours (10.8 Hz bins against 29 Hz from B4 to C5), so a loud C5 lifts the
    B4 beside it and the network hears a B4 struck with it; in the long frames the C5's partial
    stays 18-32 dB under it at B4, where a struck B4 stands over its neighbours. Keys beyond
    the keyboard read as the take's floor."""
    floor = _floor_db(levels_db)
    cues = []
    for later in FINE_FRAMES:
        rows = np.minimum(frames + later, levels_db.shape[0] - 1)
        beside = np.maximum(
            _level_at(levels_db, rows, keys - 1, floor), _level_at(levels_db, rows, keys + 1, floor)
        )
        cues.append(levels_db[rows, keys] - beside)
    return [cue.astype(np.float32) for cue in cues]


def _envelope_cues(
    levels_db: np.ndarray, frame: np.ndarray, frames: np.ndarray, keys: np.ndarray
) -> list[np.ndarray]:
    """The envelope cues of PEAK_FEATURES (see ENVELOPE_HARMONICS): the key's fine level over
    the envelope of each lower key's partials at it, 0 where that key does not sound, then
    whether it sounds (1 or 0). Over the Steinway's A3 (dry and in five rooms) its own E5
    (partial 3) stands -0.6 to +6.4 dB over the A4 and A5 beside it, an E5 struck with it
    15-23 dB; where nothing sounds below, nothing is measured (stop 63's cue, measured there
    too, took the synthetic arpeggio's B3 for a key)."""
    floor = _floor_db(levels_db)
    last_frame = levels_db.shape[0] - 1
    later = np.minimum(frames + FINE_FRAMES[0], last_frame)
    sounding_rows = np.minimum(frames + ENVELOPE_SOUNDING_FRAME, last_frame)

    own = levels_db[later, keys]
    overs, flags = [], []
    for harmonic in ENVELOPE_HARMONICS:
        lower = keys - _partial_interval(harmonic)
        sounding = (lower >= 0) & (frame[sounding_rows, np.maximum(lower, 0)] >= SOUNDING)
        beside_db = [
            _level_at(levels_db, later, lower + _partial_interval(h), floor)
            for h in (harmonic - 1, harmonic + 1)
        ]
        envelope_db = 10.0 * np.log10(
            (10.0 ** (beside_db[0] / 10.0) + 10.0 ** (beside_db[1] / 10.0)) / 2.0
        )
        overs.append(np.where(sounding, own - envelope_db, 0.0))
        flags.append(sounding)
    return [cue.astype(np.float32) for cue in overs + flags]


def _floor_db(levels_db: np.ndarray) -> np.float32:
    """The take's floor, which keys beyond the keyboard read as (0 for an empty take)."""
    return np.float32(levels_db.min()) if levels_db.size else np.float32(0.0)


def _level_at(
    levels_db: np.ndarray, rows: np.ndarray, keys: np.ndarray, floor_db: np.float32
) -> np.ndarray:
    """levels_db[rows, keys], `floor_db` where a key lies beyond the keyboard."""
    inside = (keys >= 0) & (keys < levels_db.shape[1])
    return np.where(inside, levels_db[rows, np.clip(keys, 0, levels_db.shape[1] - 1)], floor_db)


def _at(values: np.ndarray, frames: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """values[frames, keys], 0 where the frame or key lies outside."""
    inside = (frames >= 0) & (frames < values.shape[0]) & (keys >= 0) & (keys < values.shape[1])
    out = np.zeros(len(frames), dtype=np.float32)
    out[inside] = values[frames[inside], keys[inside]]
    return out


def _forward_means(values: np.ndarray, length: int) -> np.ndarray:
    """Each frame's mean over the `length` frames from it (fewer at the end)."""
    sums = np.concatenate(
        [np.zeros((1, values.shape[1])), np.cumsum(values, axis=0, dtype=np.float64)]
    )
    start = np.arange(values.shape[0])
    end = np.minimum(start + length, values.shape[0])
    return ((sums[end] - sums[start]) / (end - start)[:, None]).astype(np.float32)


def _since_previous(frames: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Frames since the previous candidate peak on the same key, at most 50."""
    order = np.lexsort((frames, keys))
    since = np.full(len(frames), 50.0, dtype=np.float32)
    same_key = keys[order][1:] == keys[order][:-1]
    gaps = np.minimum(np.diff(frames[order]), 50).astype(np.float32)
    since[order[1:][same_key]] = gaps[same_key]
    return since


def _gather(values: np.ndarray, frames: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """values at broadcast (frames, keys) index arrays, 0 outside."""
    inside = (frames >= 0) & (frames < values.shape[0]) & (keys >= 0) & (keys < values.shape[1])
    out = values[np.clip(frames, 0, values.shape[0] - 1), np.clip(keys, 0, values.shape[1] - 1)]
    return np.where(inside, out, 0.0)


def _strongest_together(
    grid: np.ndarray,
    sustain_10: np.ndarray,
    sustain_50: np.ndarray,
    frames: np.ndarray,
    keys: np.ndarray,
    key_offsets: list[int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Of the candidate peaks struck with each peak at `key_offsets` from its key: the
    strongest one's onset probability and mean frame probability over 10 and 50 frames, and
    how many there are (all 0 when there is none)."""
    shifts = np.arange(-TOGETHER_FRAMES, TOGETHER_FRAMES + 1)
    near_frames = (frames[:, None, None] + shifts[None, :, None]) * np.ones(
        (1, 1, len(key_offsets)), dtype=np.int64
    )
    near_keys = keys[:, None, None] + np.asarray(key_offsets)[None, None, :] * np.ones(
        (1, len(shifts), 1), dtype=np.int64
    )
    near = _gather(grid, near_frames, near_keys).reshape(len(frames), -1)
    best = near.argmax(axis=1)
    rows = np.arange(len(frames))
    best_frames = near_frames.reshape(len(frames), -1)[rows, best]
    best_keys = near_keys.reshape(len(frames), -1)[rows, best]
    present = near[rows, best] > 0.0
    return (
        near[rows, best].astype(np.float32),
        np.where(present, _gather(sustain_10, best_frames, best_keys), 0.0).astype(np.float32),
        np.where(present, _gather(sustain_50, best_frames, best_keys), 0.0).astype(np.float32),
        (near > 0.0).sum(axis=1).astype(np.float32),
    )


def _together_elsewhere(
    grid: np.ndarray, frames: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The strongest other candidate peak struck with each peak (any key), and how many of
    them reach 0.3."""
    strongest = np.zeros(len(frames), dtype=np.float32)
    count = np.zeros(len(frames), dtype=np.float32)
    padded = np.pad(grid, ((TOGETHER_FRAMES, TOGETHER_FRAMES), (0, 0)))
    windows = sliding_window_view(padded, 2 * TOGETHER_FRAMES + 1, axis=0)  # (T, K, 5)
    for start in range(0, len(frames), 4096):
        part = slice(start, start + 4096)
        near = windows[frames[part]].copy()  # (n, K, 5)
        near[np.arange(near.shape[0]), keys[part], TOGETHER_FRAMES] = 0.0
        strongest[part] = near.max(axis=(1, 2))
        count[part] = (near >= 0.3).sum(axis=(1, 2))
    return strongest, count


def _max_over_keys(
    values: np.ndarray, frames: np.ndarray, keys: np.ndarray, key_offsets: list[int]
) -> np.ndarray:
    """The highest of values[frame, key + offset] over `key_offsets` (0 outside)."""
    near_keys = keys[:, None] + np.asarray(key_offsets)[None, :]
    return _gather(values, frames[:, None], near_keys).max(axis=1).astype(np.float32)


def _max_elsewhere(values: np.ndarray, frames: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The highest value in each peak's frame on any other key."""
    order = np.argsort(values, axis=1)
    top = np.take_along_axis(values, order[:, -1:], axis=1)[:, 0]
    second = np.take_along_axis(values, order[:, -2:-1], axis=1)[:, 0]
    own_is_top = order[frames, -1] == keys
    return np.where(own_is_top, second[frames], top[frames]).astype(np.float32)


def _strong_attack_distance(onset: np.ndarray, frames: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Frames from each peak to the nearest frame where another key's onset probability
    reaches STRONG_ONSET, at most STRONG_REACH_FRAMES."""
    strong = onset >= STRONG_ONSET
    count = strong.sum(axis=1)
    reach = STRONG_REACH_FRAMES
    shifts = np.arange(-reach, reach + 1)
    near = frames[:, None] + shifts[None, :]
    inside = (near >= 0) & (near < onset.shape[0])
    clipped = np.clip(near, 0, onset.shape[0] - 1)
    others = count[clipped] - strong[clipped, keys[:, None]]
    distance = np.where(inside & (others > 0), np.abs(shifts)[None, :], reach)
    return distance.min(axis=1).astype(np.float32)
