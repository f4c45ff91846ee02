"""Stretches of a take that carry the same labels: the classifier's timeline in a few lines.

Consecutive 2 s segments with the same instrument, piano, form and intensity (their
probabilities aside) form one run, so a summary can say "0-6 s grand-fluidr3 legato p" instead
of listing every segment. `run_text`, `segment_text`, `piano_text` and `instrument_text` are the
words a teacher reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pianoscope.analysis.result import Label, Segment
from pianoscope.model.labels import OTHER, SILENCE, UNKNOWN

ANOTHER_PIANO_TEXT = "another piano"
NOT_A_PIANO_TEXT = "not a piano"


@dataclass(frozen=True)
class LabelRun:
    """Consecutive segments with the same labels. A run without a piano is silence, something
    that is not a piano (`instrument` `other`) or was not labelled; an `unknown` piano (another
    piano) has form and intensity like a known one, as in the JSON contract."""

    start_s: float
    end_s: float
    piano: str | None
    form: str | None
    intensity: str | None
    instrument: str | None = None


def label_runs(segments: Sequence[Segment]) -> tuple[LabelRun, ...]:
    """Merge consecutive segments with equal label names into runs, in order."""
    runs: list[LabelRun] = []
    for segment in segments:
        names = _label_names(segment)
        if runs and _names(runs[-1]) == names:
            last = runs[-1]
            runs[-1] = LabelRun(last.start_s, segment.end_s, *names)
        else:
            runs.append(LabelRun(segment.start_s, segment.end_s, *names))
    return tuple(runs)


def piano_text(label: str | None) -> str:
    """A piano label as a teacher reads it: `unknown` is another piano, None no piano."""
    if label is None:
        return "no piano heard"
    return ANOTHER_PIANO_TEXT if label == UNKNOWN else label


def instrument_text(label: str) -> str:
    """`piano`, `not a piano` (another instrument, speech or noise) or `silence`."""
    return NOT_A_PIANO_TEXT if label == OTHER else label


def run_text(run: LabelRun, separator: str = " ") -> str:
    """What a run says in words: "grand-timgm legato p", "another piano chords f", "not a
    piano", "silence"."""
    if run.piano is not None:
        names = (piano_text(run.piano), run.form, run.intensity)
        return separator.join(name for name in names if name)
    return instrument_text(run.instrument or SILENCE)


def segment_text(segment: Segment, separator: str = " ") -> str:
    """What one segment's labels say in words (see `run_text`)."""
    run = LabelRun(segment.start_s, segment.end_s, *_label_names(segment))
    return run_text(run, separator)


def _names(run: LabelRun) -> tuple[str | None, ...]:
    return run.piano, run.form, run.intensity, run.instrument


def _label_names(segment: Segment) -> tuple[str | None, ...]:
    labels = segment.labels
    if labels is None:
        return None, None, None, None
    return (
        _name(labels.piano),
        _name(labels.form),
        _name(labels.intensity),
        _name(labels.instrument),
    )


def _name(label: Label | None) -> str | None:
    return None if label is None else label.label
