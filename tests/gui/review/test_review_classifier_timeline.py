"""Classifier timeline bands: labels, `unknown`, silence and unclassified each look different."""

from __future__ import annotations

import numpy as np

from pianoscope.analysis.result import Analysis, Label, LoudnessCurve, Segment, SegmentLabels
from pianoscope.gui.live.panels.classifier_panel import PALETTE, SILENCE_RGB, UNKNOWN_RGB
from pianoscope.gui.review.classifier_timeline import (
    UNLABELLED_RGB,
    ClassifierTimeline,
    label_rgb,
    segment_label,
)

KNOWN = SegmentLabels(Label("grand-timgm", 0.9), Label("staccato", 0.8), Label("pp", 0.7))
UNKNOWN = SegmentLabels(Label("unknown", 0.8), None, None)
SEGMENTS = (
    Segment(0.0, 2.0, KNOWN, -20.0, True),
    Segment(2.0, 4.0, UNKNOWN, -25.0, True),
    Segment(4.0, 6.0, None, -80.0, False),
    Segment(6.0, 7.0, None, -20.0, True),
)


def test_each_state_has_its_own_label_and_colour():
    assert [segment_label(s, "piano") for s in SEGMENTS] == [
        "grand-timgm",
        "unknown",
        "silence",
        "not classified",
    ]
    assert [segment_label(s, "form") for s in SEGMENTS] == [
        "staccato",
        "unknown",
        "silence",
        "not classified",
    ]
    assert label_rgb("piano", "grand-timgm") == tuple(int(c) for c in PALETTE[2])
    assert label_rgb("form", "unknown") == UNKNOWN_RGB
    assert label_rgb("intensity", "silence") == SILENCE_RGB
    assert label_rgb("intensity", "not classified") == UNLABELLED_RGB
    enrolled = label_rgb("piano", "studio Steinway")
    assert enrolled in {tuple(int(c) for c in rgb) for rgb in PALETTE}
    assert enrolled == label_rgb("piano", "studio Steinway")


def test_timeline_draws_one_band_per_segment_and_names_each_run(qtbot):
    timeline = ClassifierTimeline()
    qtbot.addWidget(timeline)
    analysis = Analysis(
        "x.wav", 7.0, 44_100, (), SEGMENTS, LoudnessCurve(0.1, np.zeros(70), np.zeros(70)), 0, None
    )
    timeline.show_analysis(analysis)
    timeline.show_analysis(analysis)  # redrawing replaces, never stacks
    bars = timeline.bars["intensity"].opts
    np.testing.assert_allclose(bars["width"], [2.0, 2.0, 2.0, 1.0])
    assert timeline.labels["intensity"] == ["pp", "unknown", "silence", "not classified"]
    assert len(timeline.text_items) == 12
    assert len([i for i in timeline.plotItem.items if i in timeline.text_items]) == 12


def test_a_long_take_names_only_its_longest_runs():
    from pianoscope.gui.review.classifier_timeline import _named_runs

    labels = ["legato", "staccato"] * 5 + ["chords"] * 6 + ["legato"]
    assert _named_runs(labels, 100) == [*range(11), 16]
    assert _named_runs(labels, 2) == [0, 10]  # the six-segment chords run, then the first
