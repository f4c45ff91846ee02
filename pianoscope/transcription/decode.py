"""Note events from the network's onset, frame and velocity activations.

A note starts at a peak of a key's onset probability above the onset threshold (the time refined
between frames by a parabola through the peak and its neighbours) and lasts while the key's
frame probability stays above the frame threshold (both chosen on validation clips and shipped
with the weights, see `pianoscope.transcription.training.tuning`), until the key's next onset at the
latest. Only onsets start notes: a held key whose partials beat, or a reverberant tail, keeps a
high frame probability but has no onset peak, so it stays one note (the decoding of Hawthorne et
al. 2018).

Not every onset peak is a note. A struck note also raises the onset probability of keys that
share its partials: its octave, twelfth, ... above (a partial heard as a note), a key below it
of which it is a partial (a fundamental that is not there), or a lower key already sounding
whose partial it reinforces (a re-strike that did not happen). Each rule below says which of
those a peak is taken for, and what it was measured to do on 192 validation clips of the six
training pianos (7140 notes; seeds of `tuning`, never the benchmark's): onset-only note F1
0.803 with the previous rules, 0.831 with these (precision 0.944 -> 0.934, recall
0.699 -> 0.749).

Weights that carry a peak judge (`peak_judge`; the shipped ones since stop 59) have it decide
instead of the rules: on 96 validation clips onset F1 0.909 with the rules, 0.923 with the
judge. The rules still decode networks without one, and the 2 s windows the classifier reads
form and intensity from (`transcriber.played_notes` says why). Either way a note lasts while
its key sounds and an attack seen early is dropped (`_without_anticipations`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from pianoscope.dsp.notes import NoteEvent
from pianoscope.transcription.network import NoteActivations
from pianoscope.transcription.peak_judge import (
    HARMONIC_INTERVALS,
    TOGETHER_FRAMES,
    PeakJudge,
    judged_peaks,
)
from pianoscope.transcription.spectrogram import FRAME_RATE_HZ, LOWEST_MIDI

# A struck note is reported for at least this long, even when its frame probability drops at once.
MIN_DURATION_S = 0.05
# HARMONIC_INTERVALS (peak_judge's, which reads them too): semitones, rounded, of harmonics
# 2-12 over a fundamental: octave, twelfth, two octaves ... The network sometimes reports a
# partial up to the 11th (FluidR3's A3 gets a D#7, 41.5 semitones up) as a note at the attack;
# with harmonics 2-8 only, two held-note cases failed that pass now, at the same validation
# onset F1 (0.845 on 96 clips, precision 0.934 -> 0.936). Peaks TOGETHER_FRAMES apart or less
# (40 ms) are struck together.
# An onset peak with no stronger peak a harmonic interval above it is a note if its key sounds
# (frame probability >= LATE_SOUNDING_THRESHOLD) in LATE_SOUNDING_MIN_FRAMES of the
# LATE_SOUNDING_FRAMES frames from it: the frame probability of soft and short notes rises two or
# three frames after the onset. The previous gate (frame threshold in 2 of the 3 frames from
# the peak, for every peak) lost 85 of the 288 notes missed on 24 validation clips, each with an
# onset peak >= 0.5. Sweeping 4-8 frames, thresholds 0.2-0.35 and 1-3 frames gave validation
# F1 0.826-0.833 (one frame at 0.3: 0.831, but a key that sounds for one frame is a ghost of
# another note's attack); 2 of 5 frames at 0.25 scored 0.831 at precision 0.934.
# The network before the long frames also needed a peak of 0.9 or more to be a note without
# this condition (the 70 ms notes of fast treble runs); this one does not (validation onset F1
# 0.894 with that rule, 0.893 without, 96 clips), and the rule let a neighbour or a partial
# through at the attack in six held-note cases (an F4 beside D major's F#4, a B4 beside C
# major's C5).
LATE_SOUNDING_FRAMES = 5
LATE_SOUNDING_MIN_FRAMES = 2
LATE_SOUNDING_THRESHOLD = 0.25
# A peak below a stronger one a harmonic interval up may be a fundamental the upper note's
# partials suggest: it must sound at the frame threshold in 2 of the 3 frames from it, and not
# in the frame before its attack, which is read before the run of onset probability over the
# threshold that ends at the peak: an attack whose onset spans two frames peaks in the second,
# where its key already sounds (a candidate network lost a C2 struck under a G5, its twelfth
# harmonic, so; stop 50). On 96 validation clips onset recall 0.8583 -> 0.8592 at the same
# precision (F1 0.9071 -> 0.9076), the held-note cases the same.
SOUNDING_WINDOW_FRAMES = 3
SOUNDING_MIN_FRAMES = 2
# A peak a harmonic interval above a stronger peak is that note's partial when its key also
# sounds less over the next SUSTAIN_FRAMES (200 ms, mean frame probability) than SUSTAIN_RATIO
# times the lower key: a played octave sounds on with its own strings, a partial fades with the
# attack. Without the sustain condition (every weaker upper peak a partial) the played octaves
# of chords were lost; validation F1 by ratio: 0.7 0.830, 0.8 0.831, 0.9 0.831, 1.0 0.830.
SUSTAIN_FRAMES = 10
SUSTAIN_RATIO = 0.8
# A peak a semitone from a stronger one struck with it is that note's ghost when its key sounds
# less than NEIGHBOUR_RATIO times the stronger key over SUSTAIN_FRAMES: the network trained
# with the long bass frames reports the key beside a struck one at its attack (an F4 beside
# D major's F#4, a B4 beside C major's C5, at onset probability 0.90-0.97) but not after it
# (mean frame probability 0.04-0.28 against 0.87-1.0). Two keys a semitone apart struck and
# held together both sound on, so they stay. On 96 validation clips onset precision 0.942 ->
# 0.944 at the same recall.
NEIGHBOUR_RATIO = 0.5
# A peak on a key that already sounds (frame threshold in the frame before it) is a re-strike
# only at this onset probability or more. The network trained with the long bass frames split
# held notes in a room at the echo of their attack (A3 on both MuseScores and FluidR3, C5 of
# TimGM6mb's C major: a second peak of 0.50-0.58 220 ms on); at 0.6 they are one note again,
# at validation onset F1 0.865 -> 0.862 (96 clips), and every fast repeat (80-125 ms) stays.
RESTRIKE_THRESHOLD = 0.6
# The long frames (16384 samples, centred) reach 186 ms ahead, so a key's coming attack can
# raise its onset probability early where its previous note has just been released (FluidR3's
# C4 struck 0.2 s after a release: a peak of 0.76 at 60 ms after it, 140 ms before the real
# one). A peak followed within ANTICIPATION_FRAMES by a stronger one on its key, the key not
# sounding (frame threshold) in between, is that attack seen early. On 192 validation clips
# (6 training pianos, 7140 notes, the pinned network) it removes 18 notes, none of them
# played: onset precision 0.9640 -> 0.9667 at the same recall (4 frames: 0.9660).
ANTICIPATION_FRAMES = 9


@dataclass(frozen=True)
class _Peak:
    """An onset peak: frame, key, onset probability and mean frame probability after it."""

    frame: int
    key: int
    probability: float
    sustain: float
    rise: int  # the first frame of the run of onset probability over the threshold up to it


def decode_notes(
    activations: NoteActivations,
    *,
    onset_threshold: float = 0.5,
    frame_threshold: float = 0.5,
    velocity_scale: float = 1.0,
    judge: PeakJudge | None = None,
) -> tuple[NoteEvent, ...]:
    """Note events in onset order (ties by pitch), times in seconds; each velocity is the
    network's times `velocity_scale`, within 1-127. With a `judge` (the one stored with the
    network's weights), it says which onset peaks are notes; without, the rules below do
    (`onset_threshold` is theirs)."""
    onset = activations.onset
    padded = np.pad(onset, ((1, 1), (0, 0)))
    if judge is not None:
        note_frames: dict[int, list[int]] = {}
        for frame, key in zip(*judged_peaks(activations, judge), strict=True):
            note_frames.setdefault(int(key), []).append(int(frame))
    else:
        note_frames = _ruled_note_frames(activations, onset_threshold, frame_threshold)
    notes = []
    for key, struck in note_frames.items():
        sounding = activations.frame[:, key] >= frame_threshold
        frames = _without_anticipations(sorted(struck), onset[:, key], sounding)
        for index, peak in enumerate(frames):
            next_onset = frames[index + 1] if index + 1 < len(frames) else onset.shape[0]
            end = _end_frame(sounding, peak, next_onset)
            onset_s = _refined_time_s(padded[peak : peak + 3, key], peak)
            offset_s = max(end / FRAME_RATE_HZ, onset_s + MIN_DURATION_S)
            notes.append(
                NoteEvent(
                    onset_s=round(onset_s, 4),
                    offset_s=round(offset_s, 4),
                    midi=LOWEST_MIDI + key,
                    velocity=_velocity(activations.velocity[peak, key] * velocity_scale),
                    confidence=round(float(onset[peak, key]), 3),
                )
            )
    return tuple(sorted(notes, key=lambda n: (n.onset_s, n.midi)))


def _ruled_note_frames(
    activations: NoteActivations, onset_threshold: float, frame_threshold: float
) -> dict[int, list[int]]:
    """Key -> frames of the onset peaks the rules take for notes."""
    onset = activations.onset
    padded = np.pad(onset, ((1, 1), (0, 0)))
    is_peak = (onset >= onset_threshold) & (onset >= padded[:-2]) & (onset > padded[2:])
    peak_frames, peak_keys = np.nonzero(is_peak)
    rises = _rise_frames(onset, onset_threshold)[peak_frames, peak_keys]
    sustains = _sustains(activations.frame, peak_frames, peak_keys)
    peaks = [
        _Peak(int(frame), int(key), float(onset[frame, key]), float(sustain), int(rise))
        for frame, key, sustain, rise in zip(peak_frames, peak_keys, sustains, rises, strict=True)
    ]
    by_frame: dict[int, list[_Peak]] = {}
    for peak in peaks:
        by_frame.setdefault(peak.frame, []).append(peak)
    note_frames: dict[int, list[int]] = {}
    for peak in peaks:
        together = [
            other
            for shift in range(-TOGETHER_FRAMES, TOGETHER_FRAMES + 1)
            for other in by_frame.get(peak.frame + shift, ())
        ]
        if _is_note(peak, together, activations.frame[:, peak.key], frame_threshold):
            note_frames.setdefault(peak.key, []).append(peak.frame)
    return note_frames


def _is_note(peak: _Peak, together: list[_Peak], frame: np.ndarray, frame_threshold: float) -> bool:
    """Whether an onset peak is a struck key, given the peaks struck with it and its key's
    frame probabilities."""
    if (
        peak.probability < RESTRIKE_THRESHOLD
        and peak.frame > 0
        and frame[peak.frame - 1] >= frame_threshold
    ):
        return False  # a sounding key's partials beating, or an echo of its attack
    if any(
        peak.key - other.key in HARMONIC_INTERVALS
        and peak.probability < other.probability
        and peak.sustain < SUSTAIN_RATIO * other.sustain
        for other in together
    ):
        return False  # a partial of a lower note
    if any(
        abs(peak.key - other.key) == 1
        and peak.probability < other.probability
        and peak.sustain < NEIGHBOUR_RATIO * other.sustain
        for other in together
    ):
        return False  # the attack of the key beside it
    below_stronger = any(
        other.key - peak.key in HARMONIC_INTERVALS and peak.probability < other.probability
        for other in together
    )
    if not below_stronger:
        window = frame[peak.frame : peak.frame + LATE_SOUNDING_FRAMES]
        return bool((window >= LATE_SOUNDING_THRESHOLD).sum() >= LATE_SOUNDING_MIN_FRAMES)
    if peak.rise > 0 and frame[peak.rise - 1] >= frame_threshold:
        return False  # a sounding key whose partial the upper note's attack reinforced
    window = frame[peak.frame : peak.frame + SOUNDING_WINDOW_FRAMES]
    return bool((window >= frame_threshold).sum() >= SOUNDING_MIN_FRAMES)


def _rise_frames(onset: np.ndarray, threshold: float) -> np.ndarray:
    """For every frame and key at `threshold` or more, the first frame of the run of onset
    probability at `threshold` or more that reaches it: where the attack begins. Computed for
    the whole take at once (the frame after the last one below the threshold), not walked
    back per peak: an untrained or noise-fed network puts whole runs over the threshold, and
    the walk then costs frames squared."""
    frame_index = np.arange(onset.shape[0])[:, None]
    last_below = np.maximum.accumulate(np.where(onset < threshold, frame_index, -1), axis=0)
    return last_below + 1


def _sustains(frame: np.ndarray, peak_frames: np.ndarray, peak_keys: np.ndarray) -> np.ndarray:
    """Each peak's mean frame probability over the SUSTAIN_FRAMES from it (fewer at the end of
    the take), the same float32 means as slicing each peak's key."""
    sustains = np.empty(len(peak_frames), dtype=frame.dtype)
    full = peak_frames <= frame.shape[0] - SUSTAIN_FRAMES
    if full.any():
        windows = sliding_window_view(frame, SUSTAIN_FRAMES, axis=0)
        sustains[full] = windows[peak_frames[full], peak_keys[full]].mean(axis=-1)
    for index in np.flatnonzero(~full):
        sustains[index] = frame[peak_frames[index] :, peak_keys[index]].mean()
    return sustains


def _without_anticipations(frames: list[int], onset: np.ndarray, sounding: np.ndarray) -> list[int]:
    """A key's note frames without those that are its next, stronger attack seen early."""
    kept = []
    for index, frame in enumerate(frames):
        later = frames[index + 1] if index + 1 < len(frames) else None
        if (
            later is not None
            and later - frame <= ANTICIPATION_FRAMES
            and onset[later] > onset[frame]
            and not sounding[frame : later - 1].any()
        ):
            continue
        kept.append(frame)
    return kept


def _velocity(value: float) -> int:
    return int(np.clip(round(float(value)), 1, 127))


def _end_frame(sounding: np.ndarray, peak: int, next_onset: int) -> int:
    """First frame after the onset (from two frames on) where the key has stopped sounding."""
    start = min(peak + 2, next_onset)
    silent = np.flatnonzero(~sounding[start:next_onset])
    return start + int(silent[0]) if silent.size else next_onset


def _refined_time_s(around: np.ndarray, peak: int) -> float:
    """Time of the onset peak, refined by a parabola through it and its two neighbours."""
    left, centre, right = (float(v) for v in around)
    curvature = left - 2.0 * centre + right
    shift = 0.5 * (left - right) / curvature if curvature < 0.0 else 0.0
    return max(0.0, (peak + float(np.clip(shift, -0.5, 0.5))) / FRAME_RATE_HZ)
