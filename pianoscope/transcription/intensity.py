"""Intensity of a stretch of playing read from its notes' velocities, for any piano.

`pianoscope.transcription.note_reading.with_note_reading` applies it to the classifier's
prediction of a 2 s window, live and in every analysis: intensity comes from the notes struck in
the window when a piano plays that is none of the known pianos (another piano, an enrolled one)
or the calibration in force maps the notes' velocities (the three passages recorded them: they
are the teacher's own piano telling its range, and a piano never heard may still be taken for a
known one: a model trained without the Steinway B took it for one in 81 % of its windows);
otherwise (a piano taken for a known one) the head's and the notes' probabilities are
multiplied (`note_reading`), and when no note is struck the intensity head's answer stays.

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

A window's intensity comes from all its notes alike: each note's (mapped) velocity is taken as
uncertain by `VELOCITY_SPREAD` (a normal spread; the reading is rounded and noisy) and gives
each class the probability that its velocity lies there; the window's class probabilities are
the mean over its notes and its class the most probable. So a forte melody over a soft
accompaniment reads as the accompaniment does, like the training phrases, whose every note
lay in its class. This vote, the median of the velocities and the class of most notes were
compared on the four training pianos (71.0-71.3 % exact, Spearman 0.92 for all three; the
spread 4, 8 or 12 within 0.3 points); nothing was chosen on a piano left out
(`bench/bench_note_intensity.py` prints the figures there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import norm

from pianoscope.model.calibration import PASSAGE_VELOCITIES, Calibration, calibrate_passages
from pianoscope.model.labels import INTENSITY_LABELS, INTENSITY_VELOCITIES
from pianoscope.transcription.transcriber import played_notes

NoteWeights = dict[str, np.ndarray]  # a note network's arrays (`network.load_weights`)

VELOCITY_SPREAD = 8.0  # MIDI velocity: how uncertain one note's reading is taken to be
MIN_PASSAGE_VELOCITY_STEP = 1.0  # each passage must read at least this much above the one before
# ... and, when the passages are measured, this much: a smaller step stretches a read velocity
# step onto several played ones. The allowed pianos' passages read 10.5-20 steps apart, dry and
# in rooms (the Steinway, TimGM6mb's and MuseScore's grands; a distant microphone the least);
# the Salamander grand in a room read 40.5 / 49 / 50 for 50 / 72 / 95, and mapped through
# that, the notes of a passage played p that read 52 came out ff. Half the smallest step seen
# on the allowed pianos; a calibration stored before (with a smaller step) is still read.
MIN_MEASURED_PASSAGE_STEP = 5.0


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
                "the notes of the soft, medium and loud passages did not read softer to louder "
                f"({self.medians_text()}); play them again, each clearly louder than the one "
                "before"
            )

    def medians_text(self) -> str:
        """The three readings as a person reads them in an error message."""
        return f"median velocities {', '.join(f'{v:.0f}' for v in self.read)}"

    def map(self, velocity: float) -> float:
        """`velocity` as read on this piano, moved onto the passages' played velocities."""
        read, played = self.read, PASSAGE_VELOCITIES
        upper = 1 if velocity <= read[1] else 2
        slope = (played[upper] - played[upper - 1]) / (read[upper] - read[upper - 1])
        return played[1] + (velocity - read[1]) * slope


@dataclass(frozen=True)
class NoteIntensity:
    """A window's intensity read from its notes: a probability per `INTENSITY_LABELS` class."""

    probabilities: tuple[float, ...]

    @property
    def label(self) -> str:
        return INTENSITY_LABELS[int(np.argmax(self.probabilities))]


def read_passage_velocities(
    soft: np.ndarray,
    medium: np.ndarray,
    loud: np.ndarray,
    calibration: Calibration | None,
    *,
    note_weights: NoteWeights | None = None,
) -> PassageVelocities:
    """The median velocity the note network (`note_weights`, else the shipped one) reads in
    each passage (44.1 kHz mono), read through `calibration` as the take's notes will be.
    Raises PassageVelocityError when a passage has no notes or the passages do not read
    MIN_MEASURED_PASSAGE_STEP louder one after the other."""
    medians = []
    for name, audio in (("soft", soft), ("medium", medium), ("loud", loud)):
        notes = played_notes(audio, note_weights, calibration=calibration)
        velocities = [n.velocity for n in notes]
        if not velocities:
            raise PassageVelocityError(f"no notes were heard in the {name} passage")
        medians.append(float(np.median(velocities)))
    read = PassageVelocities((medians[0], medians[1], medians[2]))
    if np.any(np.diff(read.read) < MIN_MEASURED_PASSAGE_STEP):
        raise PassageVelocityError(
            "the notes of the soft, medium and loud passages read too close together "
            f"({read.medians_text()}) to tell this piano's dynamics apart; play them again, "
            "each clearly louder than the one before, or calibrate with a chromatic scale or a "
            "few mf notes instead"
        )
    return read


def calibrate_passages_with_notes(
    soft: np.ndarray,
    medium: np.ndarray,
    loud: np.ndarray,
    *,
    note_weights: NoteWeights | None = None,
) -> Calibration:
    """The three-passage calibration (`calibrate_passages`) that also records what the note
    network reads in each passage, so the take's note velocities can be mapped too. Raises
    ValueError (PassageVelocityError among them) saying what to play differently."""
    calibration = calibrate_passages(soft, medium, loud)
    read = read_passage_velocities(soft, medium, loud, calibration, note_weights=note_weights)
    return replace(calibration, passages=replace(calibration.passages, note_velocities=read.read))


def passage_velocities(calibration: Calibration | None) -> PassageVelocities | None:
    """The note velocities `calibration`'s passages read, when it recorded them."""
    if calibration is None or calibration.passages is None:
        return None
    read = calibration.passages.note_velocities
    return None if read is None else PassageVelocities(read)


def intensity_from_velocities(
    velocities: Sequence[float], passages: PassageVelocities | None = None
) -> NoteIntensity | None:
    """The intensity of a window whose notes read `velocities`; None without notes."""
    if not velocities:
        return None
    mapped = np.array([passages.map(v) if passages is not None else v for v in velocities])
    below = norm.cdf((_CLASS_EDGES[None, :] - mapped[:, None]) / VELOCITY_SPREAD)
    per_note = np.diff(below, axis=1)  # (notes, classes)
    return NoteIntensity(tuple(float(p) for p in per_note.mean(axis=0)))


def window_note_intensity(
    window: np.ndarray,
    calibration: Calibration | None,
    *,
    note_weights: NoteWeights | None = None,
) -> NoteIntensity | None:
    """The intensity of the notes struck in `window` (float32 mono, 44.1 kHz), their
    velocities read through `calibration` and mapped by its passages' note velocities when it
    has them; None when no note is struck in it."""
    # one thread: live this runs beside the audio, the analysis and the GUI
    notes = played_notes(window, note_weights, calibration=calibration, workers=1)
    return intensity_from_velocities([n.velocity for n in notes], passage_velocities(calibration))


# Class boundaries on the velocity scale, open at both ends: a reading below pp's lowest
# velocity is pp, one above 127 ff.
_CLASS_EDGES = np.array(
    [-np.inf, *(INTENSITY_VELOCITIES[label][0] for label in INTENSITY_LABELS[1:]), np.inf]
)
