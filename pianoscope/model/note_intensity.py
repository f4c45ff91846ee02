"""Intensity of a stretch of playing read from its notes' velocities, for any piano.

The classifier's intensity head reads level and timbre as its training pianos have them, so on
a piano it never heard it ranks the dynamics poorly (the Steinway B left out of its training:
Spearman 0.75 between true and read class with the three-passage calibration). The note network
reads each note's velocity from the attack relative to the take's level
(`pianoscope.transcription.transcriber`); the velocities of the notes struck in a window say how
loud it is played whatever the piano, once one map per piano moves them onto the General MIDI
scale the intensity classes are defined on (`pianoscope.model.labels.INTENSITY_VELOCITIES`).

That map comes from the three-passage calibration: the teacher plays the soft, medium and loud
passages at velocities `PASSAGE_VELOCITIES`; the median velocity the note network reads in each
(`read_passage_velocities`) is mapped piecewise linearly onto them (`PassageVelocities.map`), the
end segments extended beyond. Without it the velocities are read as the transcriber gives them.

A window's intensity is the class of the median of its notes' (mapped) velocities: the median,
not the loudest note, because a melody over a soft accompaniment is still played at the
melody's dynamic only by some of the notes, and the classes were labelled with every note of a
phrase inside its class. The median and the map were chosen before measuring on any left-out
piano and not tuned on them (`bench/bench_note_intensity.py` prints the figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pianoscope.model.calibration import PASSAGE_VELOCITIES, Calibration
from pianoscope.model.labels import INTENSITY_LABELS, INTENSITY_VELOCITIES, intensity_index
from pianoscope.transcription.transcriber import transcribe_notes

MIN_PASSAGE_VELOCITY_STEP = 1.0  # each passage must read at least this much above the one before


class PassageVelocityError(ValueError):
    """The passages do not read softer to louder: they cannot calibrate velocities."""


@dataclass(frozen=True)
class PassageVelocities:
    """The median velocity the note network read in the soft, medium and loud passages."""

    read: tuple[float, float, float]

    def __post_init__(self) -> None:
        steps = np.diff(self.read)
        if not np.all(np.isfinite(self.read)) or np.any(steps < MIN_PASSAGE_VELOCITY_STEP):
            raise PassageVelocityError(
                "The soft, medium and loud passages did not read softer to louder "
                f"(median velocities {', '.join(f'{v:.0f}' for v in self.read)}): play them "
                "again, each clearly louder than the one before."
            )

    def map(self, velocity: float) -> float:
        """`velocity` as read on this piano, moved onto the passages' played velocities."""
        read, played = self.read, PASSAGE_VELOCITIES
        upper = 1 if velocity <= read[1] else 2
        slope = (played[upper] - played[upper - 1]) / (read[upper] - read[upper - 1])
        return played[1] + (velocity - read[1]) * slope


@dataclass(frozen=True)
class NoteIntensity:
    """A window's intensity class read from its notes: `label`, and `agreement`, the share of
    the window's notes whose own velocity falls in that class."""

    label: str
    agreement: float


def read_passage_velocities(
    soft: np.ndarray, medium: np.ndarray, loud: np.ndarray, calibration: Calibration | None
) -> PassageVelocities:
    """The median velocity the note network reads in each passage (44.1 kHz mono), read
    through `calibration` as the take's notes will be. Raises PassageVelocityError when a
    passage has no notes or the passages do not get louder."""
    medians = []
    for name, audio in (("soft", soft), ("medium", medium), ("loud", loud)):
        velocities = [n.velocity for n in transcribe_notes(audio, calibration=calibration).notes]
        if not velocities:
            raise PassageVelocityError(f"No notes were heard in the {name} passage.")
        medians.append(float(np.median(velocities)))
    return PassageVelocities((medians[0], medians[1], medians[2]))


def intensity_from_velocities(
    velocities: Sequence[float], passages: PassageVelocities | None = None
) -> NoteIntensity | None:
    """The intensity of a window whose notes read `velocities`; None without notes."""
    if not velocities:
        return None
    mapped = [passages.map(v) if passages is not None else float(v) for v in velocities]
    classes = [_velocity_class(v) for v in mapped]
    chosen = _velocity_class(float(np.median(mapped)))
    return NoteIntensity(INTENSITY_LABELS[chosen], classes.count(chosen) / len(classes))


def _velocity_class(velocity: float) -> int:
    lowest = INTENSITY_VELOCITIES[INTENSITY_LABELS[0]][0]
    return intensity_index(int(np.clip(round(velocity), lowest, 127)))
