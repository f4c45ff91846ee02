"""Compare a take with a reference (the teacher's, or an earlier one) of the same music.

Both are aligned in time on their chroma (`pianoscope.analysis.align`) after leading and
trailing silence is cut, so "bar 5" of one is matched with bar 5 of the other whatever the
tempo. The comparison gives the tempo ratio overall and per section of the reference, levels
and dynamic range of both, and a few plain sentences for the teacher.

Sections are groups of the reference's bars (its beats from note onsets, grouped by a meter the
teacher gives, `pianoscope.analysis.bars`), because a teacher thinks "bars 5-8", not "0:12 to
0:24". A reference without a steady beat is cut into sections of about `section_s` seconds
instead, and the summary says so rather than invent bars.
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from pianoscope.analysis.align import Alignment, align
from pianoscope.analysis.bars import bar_starts, beat_times
from pianoscope.analysis.meter import CLOCK_SECTION_S, Meter
from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import Analysis
from pianoscope.audio.fileio import load_audio
from pianoscope.dsp.chroma import CHROMA_HOP, chroma
from pianoscope.dsp.levels import LevelMeter, dynamic_range_db
from pianoscope.errors import AnalysisError
from pianoscope.progress import CancelToken, ProgressCallback, no_progress

log = logging.getLogger(__name__)

COMPARE_SAMPLE_RATE_HZ = 22_050
LEVEL_FRAME_S = 0.1
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
    """One stretch of the reference and the matching stretch of the take; `first_bar` and
    `last_bar` number the reference's bars it covers (from 1), None for a clock-time section."""

    reference_start_s: float
    reference_end_s: float
    take_start_s: float
    take_end_s: float
    tempo_ratio: float
    level_difference_db: float
    first_bar: int | None = None
    last_bar: int | None = None

    @property
    def bars(self) -> str | None:
        """ "bars 5-8", "bar 13", or None for a clock-time section."""
        if self.first_bar is None or self.last_bar is None:
            return None
        if self.first_bar == self.last_bar:
            return f"bar {self.first_bar}"
        return f"bars {self.first_bar}-{self.last_bar}"

    @property
    def place(self) -> str:
        """Where it is, to start a sentence: "In bars 5-8" or "From 0:12 to 0:24"."""
        if self.bars is not None:
            return f"In {self.bars}"
        return f"From {_clock(self.reference_start_s)} to {_clock(self.reference_end_s)}"


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
    reference_beats_s: np.ndarray | None
    meter: Meter
    section_s: float

    @property
    def bar_starts_s(self) -> np.ndarray:
        """Reference times at which its bars 1, 2, ... start before its played span ends;
        empty without a steady beat."""
        if self.reference_beats_s is None:
            return np.zeros(0)
        starts = bar_starts(self.reference_beats_s, self.meter)
        return starts[starts < self.alignment.reference_time_s[-1]]

    @property
    def dynamic_range_difference_db(self) -> float:
        """Take minus reference: -6 means the take has 6 dB less dynamic range."""
        return self.take_levels.dynamic_range_db - self.reference_levels.dynamic_range_db


def compare_files(
    reference_path: str | Path,
    take_path: str | Path,
    *,
    meter: Meter | None = None,
    section_s: float = CLOCK_SECTION_S,
) -> TakeComparison:
    """Load and compare two recordings; raises AudioFileError or AnalysisError."""
    reference_path, take_path = Path(reference_path), Path(take_path)
    reference = load_audio(reference_path, sample_rate_hz=COMPARE_SAMPLE_RATE_HZ)
    take = load_audio(take_path, sample_rate_hz=COMPARE_SAMPLE_RATE_HZ)
    return compare_takes(
        reference,
        take,
        COMPARE_SAMPLE_RATE_HZ,
        meter=meter,
        section_s=section_s,
        reference_name=reference_path.name,
        take_name=take_path.name,
    )


@dataclass(frozen=True)
class AnalysedComparison:
    """A comparison with the full analysis of both recordings, for the compare view."""

    comparison: TakeComparison
    reference: Analysis
    take: Analysis


def compare_and_analyse(
    reference_path: Path,
    take_path: Path,
    *,
    meter: Meter | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> AnalysedComparison:
    """Compare two recordings, then analyse each (notes, labels, each with its own stored
    calibration) for the timelines beside it."""
    from pianoscope.app.segment_labeller import take_labeller, user_labeller
    from pianoscope.app.take_calibration import take_calibration

    comparison = compare_files(reference_path, take_path, meter=meter)
    labeller = user_labeller()
    progress(0.4)
    analyses = []
    for path in (reference_path, take_path):
        calibration = take_calibration(path)
        labelled = take_labeller(labeller, calibration)
        analyses.append(
            analyse_file(path, cancel=cancel, labeller=labelled, calibration=calibration)
        )
    return AnalysedComparison(comparison, *analyses)


def compare_takes(
    reference: np.ndarray,
    take: np.ndarray,
    sample_rate_hz: int,
    *,
    meter: Meter | None = None,
    section_s: float = CLOCK_SECTION_S,
    reference_name: str = "reference",
    take_name: str = "take",
) -> TakeComparison:
    """Compare two mono recordings at the same sample rate (see the module docstring).

    Sections are `meter.bars_per_section` bars of the reference (4/4 and 4 bars by default),
    or `section_s` seconds when the reference has no steady beat.
    """
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
    beats = beat_times(reference, sample_rate_hz)
    tempo_ratio = alignment.tempo_ratio()
    log.info(
        "%s vs %s: tempo ratio %.3f, %s",
        take_name,
        reference_name,
        tempo_ratio,
        "no steady beat" if beats is None else f"{beats.size} beats",
    )
    unsectioned = TakeComparison(
        reference=reference_name,
        take=take_name,
        alignment=alignment,
        tempo_ratio=tempo_ratio,
        sections=(),
        reference_levels=reference_levels,
        take_levels=take_levels,
        summary=(),
        reference_beats_s=beats,
        meter=meter or Meter(),
        section_s=section_s,
    )
    return with_meter(unsectioned, unsectioned.meter)


def with_meter(comparison: TakeComparison, meter: Meter) -> TakeComparison:
    """The comparison in sections of another meter, with its summary; no audio is read again,
    so the view can regroup as the teacher changes the meter."""
    regrouped = replace(comparison, meter=meter)
    sections = _sections(regrouped)
    return replace(
        regrouped,
        sections=sections,
        summary=summary_sentences(
            comparison.tempo_ratio,
            sections,
            comparison.reference_levels,
            comparison.take_levels,
        ),
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
    """A few sentences for the teacher, the most telling first.

    A section is told when its tempo differs both from the reference's and from the take's
    overall tempo, by SECTION_TEMPO_NOTABLE: what the overall sentence already says, or a
    section played as the reference plays it, is not news.
    """
    sentences = [f"Overall the take is {_tempo_phrase(tempo_ratio)}."]
    if sections and sections[0].bars is None:
        sentences.append(
            "No steady beat was found in the reference, so its sections are in clock time,"
            " not bars."
        )
    notable = _joined_findings(
        [
            section
            for section in sections
            if math.isfinite(section.tempo_ratio)
            and abs(section.tempo_ratio / tempo_ratio - 1.0) >= SECTION_TEMPO_NOTABLE
            and abs(section.tempo_ratio - 1.0) >= SECTION_TEMPO_NOTABLE
        ]
    )
    notable.sort(key=lambda section: -abs(math.log(section.tempo_ratio / tempo_ratio)))
    for section in sorted(notable[:MAX_SECTION_SENTENCES], key=lambda s: s.reference_start_s):
        sentences.append(f"{section.place} the take is {_tempo_phrase(section.tempo_ratio)}.")
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


def _joined_findings(sections: list[SectionComparison]) -> list[SectionComparison]:
    """Adjacent sections that tell the same thing, told once: "In bars 5-8 ... 25 % slower"
    rather than the same sentence for bars 5-6 and for bars 7-8."""
    joined: list[SectionComparison] = []
    for section in sorted(sections, key=lambda s: s.reference_start_s):
        if joined and _same_finding(joined[-1], section):
            joined[-1] = _joined(joined[-1], section)
        else:
            joined.append(section)
    return joined


def _same_finding(first: SectionComparison, second: SectionComparison) -> bool:
    adjacent = abs(first.reference_end_s - second.reference_start_s) < 1e-6
    same_way = (first.tempo_ratio > 1.0) == (second.tempo_ratio > 1.0)
    close = abs(first.tempo_ratio / second.tempo_ratio - 1.0) < SECTION_TEMPO_NOTABLE / 2
    return adjacent and same_way and close


def _joined(first: SectionComparison, second: SectionComparison) -> SectionComparison:
    """One section from two adjacent ones. Its tempo ratio is the reference's duration over the
    take's, each section's take duration taken from its own (least-squares) ratio, which is
    steadier than the path's end points at a tempo change."""
    first_s = first.reference_end_s - first.reference_start_s
    second_s = second.reference_end_s - second.reference_start_s
    take_s = first_s / first.tempo_ratio + second_s / second.tempo_ratio
    return SectionComparison(
        reference_start_s=first.reference_start_s,
        reference_end_s=second.reference_end_s,
        take_start_s=first.take_start_s,
        take_end_s=second.take_end_s,
        tempo_ratio=(first_s + second_s) / take_s,
        level_difference_db=(
            first.level_difference_db * first_s + second.level_difference_db * second_s
        )
        / (first_s + second_s),
        first_bar=first.first_bar,
        last_bar=second.last_bar,
    )


def _tempo_phrase(ratio: float) -> str:
    """ "12 % slower than the reference", or "at about the same tempo as the reference"."""
    if abs(ratio - 1.0) < TEMPO_TOLERANCE:
        return "at about the same tempo as the reference"
    faster_or_slower = "faster" if ratio > 1.0 else "slower"
    return f"{abs(ratio - 1.0) * 100.0:.0f} % {faster_or_slower} than the reference"


def _sections(comparison: TakeComparison) -> tuple[SectionComparison, ...]:
    """Consecutive stretches of the reference's played span: groups of its bars, or of about
    `section_s` without a steady beat. An upbeat belongs to the first group."""
    alignment = comparison.alignment
    start_s, end_s = float(alignment.reference_time_s[0]), float(alignment.reference_time_s[-1])
    bars_s = comparison.bar_starts_s
    if bars_s.size:
        per_section = comparison.meter.bars_per_section
        group_starts = bars_s[::per_section]
        edges = np.concatenate([[start_s], group_starts[1:], [end_s]])
        first_bars = np.arange(group_starts.size) * per_section + 1
        numbers = [
            (int(first), int(min(first + per_section - 1, bars_s.size))) for first in first_bars
        ]
    else:
        count = max(1, round((end_s - start_s) / comparison.section_s))
        edges = np.linspace(start_s, end_s, count + 1)
        numbers = [(None, None)] * count
    sections = []
    for (low, high), (first_bar, last_bar) in zip(itertools.pairwise(edges), numbers, strict=True):
        take_low, take_high = (float(t) for t in alignment.take_time_at(np.array([low, high])))
        sections.append(
            SectionComparison(
                reference_start_s=float(low),
                reference_end_s=float(high),
                take_start_s=take_low,
                take_end_s=take_high,
                tempo_ratio=alignment.tempo_ratio(float(low), float(high)),
                level_difference_db=_mean_db(comparison.take_levels, take_low, take_high)
                - _mean_db(comparison.reference_levels, float(low), float(high)),
                first_bar=first_bar,
                last_bar=last_bar,
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
