"""The results of analysing a recording, and their JSON form (the DESIGN.md contract).

Field names match the JSON keys; `to_json_dict` only turns tuples and dataclasses into lists
and dicts and rounds floats to what is meaningful (ms for times, 0.1 dB, 0.001 for p).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from pianoscope.dsp.notes import NoteEvent
from pianoscope.model.calibration import Calibration

SEGMENT_S = 2.0
HEADS = ("piano", "form", "intensity")
# Every label of a segment: whether a piano plays (`piano`, `other`, `silence`), then the heads.
LABEL_KEYS = ("instrument", *HEADS)


@dataclass(frozen=True)
class Label:
    """One classifier head's answer for a segment."""

    label: str
    p: float


@dataclass(frozen=True)
class SegmentLabels:
    """The classifier's answers for one 2 s window.

    `instrument`: is a piano playing (`piano`), another instrument, speech or noise (`other`),
    or nothing (`silence`); None from a labeller that does not say. When a piano plays, `piano`
    is a known piano or `unknown` (another piano) and form and intensity are given; otherwise
    all three are None.
    """

    piano: Label | None
    form: Label | None
    intensity: Label | None
    instrument: Label | None = None


# Labels a 2 s window of float32 mono samples at the given rate, in a take whose reference
# level (its loudest 100 ms, dBFS: `pianoscope.dsp.levels.reference_level_db`) is the third
# argument; None when it cannot tell.
SegmentLabeller = Callable[[np.ndarray, int, float], SegmentLabels | None]


@runtime_checkable
class CalibratedLabeller(Protocol):
    """A labeller that can say which calibration it reads intensity through, so the analysis
    names it (`summary.calibration`: a teacher comparing two analyses of one take sees why
    their intensities differ) and reads the notes' velocities through it too."""

    def calibration_in_force(self) -> Calibration: ...


@dataclass(frozen=True)
class Segment:
    """One 2 s stretch: its labels (None when silent or not classified), its RMS level in dBFS
    and whether it sounds, i.e. lies within `SOUNDING_RANGE_DB` of the take's loudest 100 ms
    (`pianoscope.dsp.levels.is_sounding`), which does not depend on the recording's gain."""

    start_s: float
    end_s: float
    labels: SegmentLabels | None
    level_db: float
    sounding: bool


@dataclass(frozen=True)
class LoudnessCurve:
    """RMS and A-weighted levels of consecutive frames of `frame_s`, dBFS."""

    frame_s: float
    rms_db: np.ndarray
    a_weighted_db: np.ndarray


@dataclass(frozen=True)
class Analysis:
    file: str
    duration_s: float
    sample_rate: int
    notes: tuple[NoteEvent, ...]
    segments: tuple[Segment, ...]
    loudness: LoudnessCurve
    dynamic_range_db: float
    tempo_bpm: float | None
    # The calibration intensity was read through (`Calibration.to_json`); None when the
    # segments were not labelled or the labeller does not say.
    calibration: dict[str, object] | None = None

    @property
    def piano(self) -> str | None:
        """The most frequent piano label over segments where a piano plays: a known piano,
        `unknown` (another piano), or None when no piano was heard (or nothing was labelled)."""
        counts = _label_counts(self.segments, "piano")
        return counts.most_common(1)[0][0] if counts else None

    def share(self, head: str) -> dict[str, float]:
        """Fraction of labelled segments carrying each label of `head`."""
        counts = _label_counts(self.segments, head)
        total = sum(counts.values())
        return {label: round(count / total, 3) for label, count in counts.most_common()}

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "duration_s": round(self.duration_s, 3),
            "sample_rate": self.sample_rate,
            "notes": [note_json(n) for n in self.notes],
            "segments": [segment_json(s) for s in self.segments],
            "summary": {
                "piano": self.piano,
                "instrument_share": self.share("instrument"),
                "form_share": self.share("form"),
                "intensity_share": self.share("intensity"),
                "dynamic_range_db": round(self.dynamic_range_db, 1),
                "tempo_bpm": _round(self.tempo_bpm, 1),
                "note_count": len(self.notes),
                "calibration": self.calibration,
            },
            "loudness": {
                "frame_s": self.loudness.frame_s,
                "rms_db": _rounded_list(self.loudness.rms_db),
                "a_weighted_db": _rounded_list(self.loudness.a_weighted_db),
            },
        }


def note_json(note: NoteEvent) -> dict[str, Any]:
    return {
        "onset_s": round(note.onset_s, 3),
        "offset_s": round(note.offset_s, 3),
        "midi": note.midi,
        "name": note.name,
        "velocity": note.velocity,
        "confidence": round(note.confidence, 3),
    }


def segment_json(segment: Segment) -> dict[str, Any]:
    labels = segment.labels
    return {
        "start_s": round(segment.start_s, 3),
        "end_s": round(segment.end_s, 3),
        **{key: _label_json(getattr(labels, key) if labels else None) for key in LABEL_KEYS},
    }


def _label_json(label: Label | None) -> dict[str, Any] | None:
    return None if label is None else {"label": label.label, "p": round(label.p, 3)}


def _label_counts(segments: Sequence[Segment], head: str) -> Counter[str]:
    return Counter(
        label.label
        for segment in segments
        if segment.labels is not None and (label := getattr(segment.labels, head)) is not None
    )


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None or not math.isfinite(value) else round(value, digits)


def _rounded_list(values: np.ndarray) -> list[float]:
    return [round(float(v), 1) for v in values]
