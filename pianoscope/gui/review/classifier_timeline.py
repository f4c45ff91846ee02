"""Classifier timeline: one row per head, a coloured band per 2 s segment.

Colours follow the live classifier panel (Okabe-Ito by label); silence is dark grey,
`unknown` (not one of the four pianos) black, and a sounding segment the classifier did not
label (no model available) light grey. Each run of one label is named once.
"""

from __future__ import annotations

import zlib

import numpy as np

from pianoscope.analysis.result import HEADS, Analysis, Segment
from pianoscope.gui.live.panels.classifier_panel import PALETTE, SILENCE_RGB, UNKNOWN_RGB
from pianoscope.gui.qt import pg
from pianoscope.gui.review.time_plot import TimePlot, rgb_brush
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, PIANO_LABELS

UNLABELLED_RGB = (200, 200, 200)
MAX_NAMES_PER_ROW = 300
LABELS = {"piano": PIANO_LABELS, "form": FORM_LABELS, "intensity": INTENSITY_LABELS}
# Rows from the top: piano, form, intensity.
ROW_OF = {head: len(HEADS) - 1 - i for i, head in enumerate(HEADS)}


def segment_label(segment: Segment, head: str) -> str:
    """What the band says: a label, `unknown`, `silence` or `not classified`."""
    if segment.labels is None:
        return "not classified" if segment.sounding else "silence"
    label = getattr(segment.labels, head)
    if label is None:
        return "unknown" if segment.labels.piano is not None else "not classified"
    return label.label


def label_rgb(head: str, label: str) -> tuple[int, int, int]:
    if label == "silence":
        return SILENCE_RGB
    if label == "unknown":
        return UNKNOWN_RGB
    if label == "not classified":
        return UNLABELLED_RGB
    # A piano the teacher enrolled gets a colour of its own, the same in every take.
    known = label in LABELS[head]
    index = LABELS[head].index(label) if known else zlib.crc32(label.encode())
    return tuple(int(c) for c in PALETTE[index % len(PALETTE)])


class ClassifierTimeline(TimePlot):
    def __init__(self) -> None:
        super().__init__("classifier")
        self.setYRange(0, len(HEADS), padding=0)
        self.getAxis("left").setTicks([[(ROW_OF[h] + 0.5, h) for h in HEADS]])
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.labels: dict[str, list[str]] = {}
        self.text_items: list[pg.TextItem] = []

    def show_analysis(self, analysis: Analysis) -> None:
        for item in [*self.bars.values(), *self.text_items]:
            self.removeItem(item)
        self.bars, self.text_items = {}, []
        segments = analysis.segments
        starts = np.array([s.start_s for s in segments])
        widths = np.array([s.end_s - s.start_s for s in segments])
        for head in HEADS:
            labels = [segment_label(s, head) for s in segments]
            self.labels[head] = labels
            bars = pg.BarGraphItem(
                x0=starts,
                y0=np.full(starts.size, ROW_OF[head] + 0.05),
                width=widths,
                height=np.full(starts.size, 0.9),
                brushes=[rgb_brush(label_rgb(head, label)) for label in labels],
                pen=pg.mkPen(None),
            )
            self.addItem(bars)
            self.bars[head] = bars
            for index in _named_runs(labels, MAX_NAMES_PER_ROW):
                label = labels[index]
                dark = label in ("unknown", "silence")
                text = pg.TextItem(label, color="w" if dark else "k", anchor=(0, 0.5))
                text.setPos(starts[index], ROW_OF[head] + 0.5)
                self.addItem(text, ignoreBounds=True)
                self.text_items.append(text)


def _named_runs(labels: list[str], most: int) -> list[int]:
    """First segment of each run of one label; in a long take with more runs than `most`,
    only the longest runs are named (the colours still show every segment)."""
    starts = [i for i in range(len(labels)) if i == 0 or labels[i - 1] != labels[i]]
    if len(starts) <= most:
        return starts
    ends = [*starts[1:], len(labels)]
    longest = sorted(zip(starts, ends, strict=True), key=lambda run: run[0] - run[1])[:most]
    return sorted(start for start, _ in longest)
