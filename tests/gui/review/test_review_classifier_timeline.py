"""Classifier timeline bands: labels, another piano, not a piano, silence and unclassified each
look different."""

from __future__ import annotations

import numpy as np

from pianoscope.analysis.result import Analysis, Label, LoudnessCurve, Segment, SegmentLabels
from pianoscope.gui.live.panels.classifier_panel import (
    OTHER_RGB,
    PALETTE,
    SILENCE_RGB,
    UNKNOWN_RGB,
)
from pianoscope.gui.review.classifier_timeline import (
    UNLABELLED_RGB,
    ClassifierTimeline,
    band_text,
    label_rgb,
    segment_label,
)

PIANO = Label("piano", 0.97)
KNOWN = SegmentLabels(Label("grand-timgm", 0.9), Label("staccato", 0.8), Label("pp", 0.7), PIANO)
ANOTHER = SegmentLabels(Label("unknown", 0.8), Label("legato", 0.7), Label("f", 0.6), PIANO)
OTHER = SegmentLabels(None, None, None, Label("other", 0.9))
OLD_UNKNOWN = SegmentLabels(Label("unknown", 0.8), None, None)  # before the instrument answer
SEGMENTS = (
    Segment(0.0, 2.0, KNOWN, -20.0, True),
    Segment(2.0, 4.0, ANOTHER, -25.0, True),
    Segment(4.0, 6.0, None, -80.0, False),
    Segment(6.0, 7.0, None, -20.0, True),
    Segment(7.0, 9.0, OTHER, -20.0, True),
    Segment(9.0, 11.0, OLD_UNKNOWN, -20.0, True),
)


def test_each_state_has_its_own_label_and_colour():
    assert [segment_label(s, "instrument") for s in SEGMENTS] == [
        "piano",
        "piano",
        "silence",
        "not classified",
        "other",
        "not classified",
    ]
    assert [segment_label(s, "piano") for s in SEGMENTS] == [
        "grand-timgm",
        "unknown",
        "silence",
        "not classified",
        "not a piano",
        "unknown",
    ]
    assert [segment_label(s, "form") for s in SEGMENTS] == [
        "staccato",
        "legato",
        "silence",
        "not classified",
        "not a piano",
        "unknown",
    ]
    assert band_text("unknown") == "another piano"
    assert label_rgb("piano", "grand-timgm") == tuple(int(c) for c in PALETTE[2])
    assert label_rgb("form", "unknown") == UNKNOWN_RGB
    assert label_rgb("piano", "not a piano") == label_rgb("instrument", "other") == OTHER_RGB
    assert label_rgb("intensity", "silence") == SILENCE_RGB
    assert label_rgb("intensity", "not classified") == UNLABELLED_RGB
    enrolled = label_rgb("piano", "studio Steinway")
    assert enrolled in {tuple(int(c) for c in rgb) for rgb in PALETTE}
    assert enrolled == label_rgb("piano", "studio Steinway")


def test_timeline_draws_one_band_per_segment_and_names_each_run(qtbot):
    timeline = ClassifierTimeline()
    qtbot.addWidget(timeline)
    segments = SEGMENTS[:5]
    analysis = Analysis(
        "x.wav", 9.0, 44_100, (), segments, LoudnessCurve(0.1, np.zeros(90), np.zeros(90)), 0, None
    )
    timeline.show_analysis(analysis)
    timeline.show_analysis(analysis)  # redrawing replaces, never stacks
    bars = timeline.bars["intensity"].opts
    np.testing.assert_allclose(bars["width"], [2.0, 2.0, 2.0, 1.0, 2.0])
    assert timeline.labels["intensity"] == ["pp", "f", "silence", "not classified", "not a piano"]
    # Runs named: instrument 4 (piano, silence, not classified, other), then 5 in each head.
    assert len(timeline.text_items) == 19
    assert len([i for i in timeline.plotItem.items if i in timeline.text_items]) == 19
    assert "another piano" in [item.toPlainText() for item in timeline.text_items]


def test_a_long_take_names_only_its_longest_runs():
    from pianoscope.gui.review.classifier_timeline import named_runs

    labels = ["legato", "staccato"] * 5 + ["chords"] * 6 + ["legato"]
    assert named_runs(labels, 100) == [*range(11), 16]
    assert named_runs(labels, 2) == [0, 10]  # the six-segment chords run, then the first
