"""Note events from the network's onset, frame and velocity activations.

A note starts at a peak of a key's onset probability above the onset threshold (the time refined
between frames by a parabola through the peak and its neighbours) and lasts while the key's
frame probability stays above the frame threshold (both chosen on validation clips and shipped
with the weights, see `pianoscope.transcription.tuning`), until the key's next onset at the
latest. Only onsets start notes: a held key whose partials beat, or a reverberant tail, keeps a
high frame probability but has no onset peak, so it stays one note (the decoding of Hawthorne et
al. 2018).
"""

from __future__ import annotations

import bisect

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.transcription.network import NoteActivations
from pianoscope.transcription.spectrogram import FRAME_RATE_HZ, LOWEST_MIDI

# A struck note is reported for at least this long, even when its frame probability drops at once.
MIN_DURATION_S = 0.05
# An onset peak is a note only if the key sounds in 2 of the 3 frames from it: the attack of one
# note also raises the onset probability of keys it does not play, for a frame. On validation
# clips and held notes of FluidR3 and TimGM6mb this took the extra notes on held keys from 103
# to 13 and onset F1 from 0.685 to 0.705.
SOUNDING_WINDOW_FRAMES = 3
SOUNDING_MIN_FRAMES = 2
# A note that starts within GHOST_FRAMES of a lower note an octave, a twelfth, two octaves ...
# below it (one of its strong partials), with a lower onset probability, is that partial heard
# as a note. On validation clips of the six training pianos this took precision from 0.898 to
# 0.942 at recall 0.636 -> 0.634 (onset F1 0.745 -> 0.758); requiring the upper note to be
# weaker by 10 % (0.9) or letting it be 2-5 % stronger (1.02, 1.05) scored lower.
GHOST_INTERVALS = (12, 19, 24, 28, 31, 34, 36)
GHOST_FRAMES = 2


def decode_notes(
    activations: NoteActivations,
    *,
    onset_threshold: float = 0.5,
    frame_threshold: float = 0.5,
    velocity_scale: float = 1.0,
) -> tuple[NoteEvent, ...]:
    """Note events in onset order (ties by pitch), times in seconds; each velocity is the
    network's times `velocity_scale`, within 1-127."""
    onset = activations.onset
    frame_count = onset.shape[0]
    padded = np.pad(onset, ((1, 1), (0, 0)))
    is_peak = (onset >= onset_threshold) & (onset >= padded[:-2]) & (onset > padded[2:])
    notes = []
    for key in range(onset.shape[1]):
        sounding = activations.frame[:, key] >= frame_threshold
        peaks = [
            int(peak)
            for peak in np.flatnonzero(is_peak[:, key])
            if sounding[peak : peak + SOUNDING_WINDOW_FRAMES].sum() >= SOUNDING_MIN_FRAMES
        ]
        for index, peak in enumerate(peaks):
            next_onset = peaks[index + 1] if index + 1 < len(peaks) else frame_count
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
    return tuple(sorted(_without_ghosts(notes), key=lambda n: (n.onset_s, n.midi)))


def _without_ghosts(notes: list[NoteEvent]) -> list[NoteEvent]:
    """The notes but those that are a partial of a stronger lower note struck with them."""
    window_s = GHOST_FRAMES / FRAME_RATE_HZ
    ordered = sorted(notes, key=lambda n: n.onset_s)
    onsets_s = [n.onset_s for n in ordered]
    kept = []
    for note in ordered:
        first = bisect.bisect_left(onsets_s, note.onset_s - window_s)
        last = bisect.bisect_right(onsets_s, note.onset_s + window_s)
        if not any(
            note.midi - lower.midi in GHOST_INTERVALS and note.confidence < lower.confidence
            for lower in ordered[first:last]
        ):
            kept.append(note)
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
