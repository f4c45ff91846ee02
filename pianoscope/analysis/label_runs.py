"""Stretches of a take that carry the same labels: the classifier's timeline in a few lines.

Consecutive 2 s segments with the same piano, form and intensity (their probabilities aside)
form one run, so a summary can say "0-6 s grand-fluidr3 legato p" instead of listing every
segment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pianoscope.analysis.result import Label, Segment


@dataclass(frozen=True)
class LabelRun:
    """Consecutive segments with the same labels. A run without a piano is silence (or was not
    labelled); `unknown` pianos have no form or intensity, as in the JSON contract."""

    start_s: float
    end_s: float
    piano: str | None
    form: str | None
    intensity: str | None


def label_runs(segments: Sequence[Segment]) -> tuple[LabelRun, ...]:
    """Merge consecutive segments with equal label names into runs, in order."""
    runs: list[LabelRun] = []
    for segment in segments:
        names = _label_names(segment)
        if runs and (runs[-1].piano, runs[-1].form, runs[-1].intensity) == names:
            last = runs[-1]
            runs[-1] = LabelRun(last.start_s, segment.end_s, *names)
        else:
            runs.append(LabelRun(segment.start_s, segment.end_s, *names))
    return tuple(runs)


def _label_names(segment: Segment) -> tuple[str | None, str | None, str | None]:
    labels = segment.labels
    if labels is None:
        return None, None, None
    return _name(labels.piano), _name(labels.form), _name(labels.intensity)


def _name(label: Label | None) -> str | None:
    return None if label is None else label.label
