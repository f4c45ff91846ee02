"""Compare a take with a reference (the teacher's, or an earlier one) of the same music.

Both are aligned in time on their chroma (`pianoscope.analysis.align`) after leading and
trailing silence is cut, so "bar 5" of one is matched with bar 5 of the other whatever the
tempo. The comparison gives the tempo ratio overall and per section of the reference, levels
and dynamic range of both, and a few plain sentences for the teacher.
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pianoscope.analysis.align import Alignment, align
from pianoscope.audio.fileio import load_audio
from pianoscope.dsp.chroma import CHROMA_HOP, chroma
from pianoscope.dsp.levels import LevelMeter, dynamic_range_db
from pianoscope.errors import AnalysisError

log = logging.getLogger(__name__)

COMPARE_SAMPLE_RATE_HZ = 22_050
LEVEL_FRAME_S = 0.1
SECTION_S = 8.0
SILENCE_BELOW_PEAK_DB = 50.0
TEMPO_TOLERANCE = 0.03
SECTION_TEMPO_NOTABLE = 0.06
DYNAMICS_NOTABLE_DB = 2.0
MAX_SECTION_SENTENCES = 3


@dataclass(frozen=True)
class TakeLevels:
    """Loudness of one take: RMS per `frame_s` frame (dBFS) and its dynamic range (dB)."""

    frame_s: float
    rms_db: np.ndarray
    dynamic_range_db: float


@dataclass(frozen=True)
class SectionComparison:
    """One stretch of the reference and the matching stretch of the take."""

    reference_start_s: float
    reference_end_s: float
    take_start_s: float
    take_end_s: float
    tempo_ratio: float
    level_difference_db: float


@dataclass(frozen=True)
class TakeComparison:
    """A take against a reference. Ratios are take / reference: 0.88 is 12 % slower."""

    reference: str
    take: str
    alignment: Alignment
    tempo_ratio: float
    sections: tuple[SectionComparison, ...]
    reference_levels: TakeLevels
    take_levels: TakeLevels
    summary: tuple[str, ...]

    @property
    def dynamic_range_difference_db(self) -> float:
        """Take minus reference: -6 means the take has 6 dB less dynamic range."""
        return self.take_levels.dynamic_range_db - self.reference_levels.dynamic_range_db


def compare_files(
    reference_path: str | Path, take_path: str | Path, *, section_s: float = SECTION_S
) -> TakeComparison:
    """Load and compare two recordings; raises AudioFileError or AnalysisError."""
    reference_path, take_path = Path(reference_path), Path(take_path)
    reference = load_audio(reference_path, sample_rate_hz=COMPARE_SAMPLE_RATE_HZ)
    take = load_audio(take_path, sample_rate_hz=COMPARE_SAMPLE_RATE_HZ)
    return compare_takes(
        reference,
        take,
        COMPARE_SAMPLE_RATE_HZ,
        section_s=section_s,
        reference_name=reference_path.name,
        take_name=take_path.name,
    )


def compare_takes(
    reference: np.ndarray,
    take: np.ndarray,
    sample_rate_hz: int,
    *,
    section_s: float = SECTION_S,
    reference_name: str = "reference",
    take_name: str = "take",
) -> TakeComparison:
    """Compare two mono recordings at the same sample rate (see the module docstring)."""
    reference_levels, take_levels = levels(reference, sample_rate_hz), levels(take, sample_rate_hz)
    reference_start, reference_end = _sounding_span(reference_levels, reference_name)
    take_start, take_end = _sounding_span(take_levels, take_name)
    hop_s = CHROMA_HOP / sample_rate_hz
    alignment = align(
        chroma(_cut(reference, reference_start, reference_end, sample_rate_hz), sample_rate_hz),
        chroma(_cut(take, take_start, take_end, sample_rate_hz), sample_rate_hz),
        frame_s=hop_s,
        reference_offset_s=reference_start,
        take_offset_s=take_start,
    )
    sections = _sections(alignment, reference_levels, take_levels, section_s)
    tempo_ratio = alignment.tempo_ratio()
    log.info("%s vs %s: tempo ratio %.3f", take_name, reference_name, tempo_ratio)
    return TakeComparison(
        reference=reference_name,
        take=take_name,
        alignment=alignment,
        tempo_ratio=tempo_ratio,
        sections=sections,
        reference_levels=reference_levels,
        take_levels=take_levels,
        summary=summary_sentences(tempo_ratio, sections, reference_levels, take_levels),
    )


def levels(samples: np.ndarray, sample_rate_hz: int) -> TakeLevels:
    """RMS frames and dynamic range, measured as the analysis pipeline does."""
    frames = LevelMeter(sample_rate_hz, LEVEL_FRAME_S).feed(np.asarray(samples, np.float32))
    rms = frames.rms_db
    rms.setflags(write=False)
    return TakeLevels(frames.frame_s, rms, dynamic_range_db(rms))


def summary_sentences(
    tempo_ratio: float,
    sections: tuple[SectionComparison, ...],
    reference_levels: TakeLevels,
    take_levels: TakeLevels,
) -> tuple[str, ...]:
    """A few sentences for the teacher, the most telling first."""
    sentences = [f"Overall the take is {_tempo_phrase(tempo_ratio)}."]
    notable = [
        section
        for section in sections
        if math.isfinite(section.tempo_ratio)
        and abs(section.tempo_ratio / tempo_ratio - 1.0) >= SECTION_TEMPO_NOTABLE
    ]
    notable.sort(key=lambda section: -abs(math.log(section.tempo_ratio / tempo_ratio)))
    for section in sorted(notable[:MAX_SECTION_SENTENCES], key=lambda s: s.reference_start_s):
        start, end = _clock(section.reference_start_s), _clock(section.reference_end_s)
        sentences.append(f"From {start} to {end} it is {_tempo_phrase(section.tempo_ratio)}.")
    # Whole decibels, so that the sentence's own numbers add up.
    take_db, reference_db = (
        round(take_levels.dynamic_range_db),
        round(reference_levels.dynamic_range_db),
    )
    ranges = f"({take_db} dB against {reference_db} dB)"
    if abs(take_db - reference_db) < DYNAMICS_NOTABLE_DB:
        sentences.append(f"Its dynamic range is about the same {ranges}.")
    else:
        more_or_less = "more" if take_db > reference_db else "less"
        sentences.append(
            f"It has {abs(take_db - reference_db)} dB {more_or_less} dynamic range {ranges}."
        )
    return tuple(sentences)


def _tempo_phrase(ratio: float) -> str:
    """ "12 % slower than the reference", or "at about the same tempo as the reference"."""
    if abs(ratio - 1.0) < TEMPO_TOLERANCE:
        return "at about the same tempo as the reference"
    faster_or_slower = "faster" if ratio > 1.0 else "slower"
    return f"{abs(ratio - 1.0) * 100.0:.0f} % {faster_or_slower} than the reference"


def _sections(
    alignment: Alignment, reference: TakeLevels, take: TakeLevels, section_s: float
) -> tuple[SectionComparison, ...]:
    """Consecutive stretches of about `section_s` of the reference's played span."""
    start_s, end_s = float(alignment.reference_time_s[0]), float(alignment.reference_time_s[-1])
    count = max(1, round((end_s - start_s) / section_s))
    edges = np.linspace(start_s, end_s, count + 1)
    sections = []
    for low, high in itertools.pairwise(edges):
        take_low, take_high = (float(t) for t in alignment.take_time_at(np.array([low, high])))
        sections.append(
            SectionComparison(
                reference_start_s=float(low),
                reference_end_s=float(high),
                take_start_s=take_low,
                take_end_s=take_high,
                tempo_ratio=alignment.tempo_ratio(float(low), float(high)),
                level_difference_db=_mean_db(take, take_low, take_high)
                - _mean_db(reference, float(low), float(high)),
            )
        )
    return tuple(sections)


def _mean_db(levels_: TakeLevels, start_s: float, end_s: float) -> float:
    """Power-mean level over [start_s, end_s), dBFS."""
    first = int(start_s / levels_.frame_s)
    last = max(first + 1, math.ceil(end_s / levels_.frame_s))
    chosen = levels_.rms_db[first:last]
    if chosen.size == 0:
        return float("nan")
    return float(10.0 * np.log10(np.mean(10.0 ** (chosen.astype(np.float64) / 10.0))))


def _sounding_span(levels_: TakeLevels, name: str) -> tuple[float, float]:
    """Start and end, seconds, of the part within SILENCE_BELOW_PEAK_DB of the loudest frame."""
    rms = levels_.rms_db
    if rms.size == 0 or not np.isfinite(rms).any():
        raise AnalysisError(f"{name} is too short to compare.")
    sounding = np.flatnonzero(rms >= rms.max() - SILENCE_BELOW_PEAK_DB)
    if rms.max() < -90.0 or sounding.size < 2:
        raise AnalysisError(f"Nothing audible was found in {name}.")
    return sounding[0] * levels_.frame_s, (sounding[-1] + 1) * levels_.frame_s


def _cut(samples: np.ndarray, start_s: float, end_s: float, sample_rate_hz: int) -> np.ndarray:
    return samples[round(start_s * sample_rate_hz) : round(end_s * sample_rate_hz)]


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
