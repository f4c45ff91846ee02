"""Consecutive segments with the same labels become one stretch of the timeline."""

from __future__ import annotations

from pianoscope.analysis.label_runs import LabelRun, label_runs, piano_text, run_text
from pianoscope.analysis.result import Label, Segment, SegmentLabels


def segment(start_s: float, piano: str | None, form: str | None = None, p: float = 0.9):
    labels = None
    if piano is not None:
        intensity = Label("mf", p) if form else None
        labels = SegmentLabels(Label(piano, p), Label(form, p) if form else None, intensity)
    return Segment(start_s, start_s + 2.0, labels, -20.0 if labels else -200.0, bool(labels))


def test_equal_labels_merge_whatever_their_probabilities():
    segments = [
        segment(0.0, "grand-fluidr3", "legato", p=0.9),
        segment(2.0, "grand-fluidr3", "legato", p=0.6),
        segment(4.0, "grand-fluidr3", "chords"),
        segment(6.0, "unknown"),
        segment(8.0, None),
        segment(10.0, None),
    ]
    assert label_runs(segments) == (
        LabelRun(0.0, 4.0, "grand-fluidr3", "legato", "mf"),
        LabelRun(4.0, 6.0, "grand-fluidr3", "chords", "mf"),
        LabelRun(6.0, 8.0, "unknown", None, None),
        LabelRun(8.0, 12.0, None, None, None),
    )


def test_no_segments_no_runs():
    assert label_runs([]) == ()


def test_runs_tell_another_piano_from_no_piano_in_words():
    another = SegmentLabels(Label("unknown", 0.8), Label("legato", 0.7), Label("p", 0.6))
    other = SegmentLabels(None, None, None, Label("other", 0.9))
    silent = SegmentLabels(None, None, None, Label("silence", 1.0))
    segments = [
        Segment(0.0, 2.0, another, -20.0, True),
        Segment(2.0, 4.0, other, -20.0, True),
        Segment(4.0, 6.0, silent, -50.0, True),
        Segment(6.0, 8.0, None, -200.0, False),
    ]
    runs = label_runs(segments)
    assert [run_text(run) for run in runs] == [
        "another piano legato p",
        "not a piano",
        "silence",
        "silence",
    ]
    assert runs[1].instrument == "other" and runs[1].piano is None
    assert piano_text(None) == "no piano heard"
