"""Classifier timeline: one row for "is a piano playing?", then one per head, a coloured band
per 2 s segment.

Colours follow the live classifier panel (Okabe-Ito by label); silence is dark grey,
`unknown` (another piano, named so) black, a sound that is not a piano dark red, and a sounding
segment the classifier did not label (no model available) light grey. Each run of one label is
named once.
"""

from __future__ import annotations

import zlib

import numpy as np

from pianoscope.analysis.label_runs import NOT_A_PIANO_TEXT, instrument_text, piano_text
from pianoscope.analysis.result import LABEL_KEYS, Analysis, Segment
from pianoscope.gui.live.panels.classifier_panel import (
    OTHER_RGB,
    PALETTE,
    SILENCE_RGB,
    UNKNOWN_RGB,
)
from pianoscope.gui.qt import pg
from pianoscope.gui.review.time_plot import TimePlot, rgb_brush
from pianoscope.model.labels import (
    FORM_LABELS,
    INSTRUMENT_LABELS,
    INTENSITY_LABELS,
    OTHER,
    PIANO_LABELS,
    SILENCE,
    UNKNOWN,
)

UNLABELLED_RGB = (200, 200, 200)
NOT_CLASSIFIED = "not classified"
MAX_NAMES_PER_ROW = 300
LABELS = {
    "instrument": INSTRUMENT_LABELS,
    "piano": PIANO_LABELS,
    "form": FORM_LABELS,
    "intensity": INTENSITY_LABELS,
}
ROWS = LABEL_KEYS  # from the top: instrument, piano, form, intensity
ROW_OF = {row: len(ROWS) - 1 - i for i, row in enumerate(ROWS)}
ROW_TITLES = {"instrument": "playing"}


def segment_label(segment: Segment, row: str) -> str:
    """What the band says: a label, `unknown` (another piano), `not a piano`, `silence` or
    `not classified`."""
    labels = segment.labels
    if labels is None:
        return NOT_CLASSIFIED if segment.sounding else SILENCE
    if row == "instrument":
        return labels.instrument.label if labels.instrument is not None else NOT_CLASSIFIED
    label = getattr(labels, row)
    if label is not None:
        return label.label
    if labels.instrument is not None:
        return instrument_text(labels.instrument.label)
    # Labels from before the instrument answer: a piano label alone was `unknown`.
    return UNKNOWN if labels.piano is not None else NOT_CLASSIFIED


def band_text(label: str) -> str:
    """The words written on a band: `unknown` reads "another piano"."""
    return piano_text(label) if label == UNKNOWN else label


def is_dark(label: str) -> bool:
    """Whether the band of `label` is dark, so that its name is written in white."""
    return label in (UNKNOWN, SILENCE, OTHER, NOT_A_PIANO_TEXT)


def label_rgb(head: str, label: str) -> tuple[int, int, int]:
    if label == SILENCE:
        return SILENCE_RGB
    if label == UNKNOWN:
        return UNKNOWN_RGB
    if label in (OTHER, NOT_A_PIANO_TEXT):
        return OTHER_RGB
    if label == NOT_CLASSIFIED:
        return UNLABELLED_RGB
    # A piano the teacher enrolled gets a colour of its own, the same in every take.
    known = label in LABELS[head]
    index = LABELS[head].index(label) if known else zlib.crc32(label.encode())
    return tuple(int(c) for c in PALETTE[index % len(PALETTE)])


class ClassifierTimeline(TimePlot):
    def __init__(self) -> None:
        super().__init__("classifier")
        self.setYRange(0, len(ROWS), padding=0)
        self.getAxis("left").setTicks(
            [[(ROW_OF[row] + 0.5, ROW_TITLES.get(row, row)) for row in ROWS]]
        )
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
        for head in ROWS:
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
            for text in band_names(labels, starts, ROW_OF[head] + 0.5):
                self.addItem(text, ignoreBounds=True)
                self.text_items.append(text)


def band_names(labels: list[str], starts: np.ndarray, y: float) -> list[pg.TextItem]:
    """The name of each run of one label (`named_runs`), written at the start of its first
    band on the row centred at `y`: white on a dark band, black on a light one."""
    names = []
    for index in named_runs(labels, MAX_NAMES_PER_ROW):
        colour = "w" if is_dark(labels[index]) else "k"
        text = pg.TextItem(band_text(labels[index]), color=colour, anchor=(0, 0.5))
        text.setPos(starts[index], y)
        names.append(text)
    return names


def named_runs(labels: list[str], most: int) -> list[int]:
    """First segment of each run of one label; in a long take with more runs than `most`,
    only the longest runs are named (the colours still show every segment)."""
    starts = [i for i in range(len(labels)) if i == 0 or labels[i - 1] != labels[i]]
    if len(starts) <= most:
        return starts
    ends = [*starts[1:], len(labels)]
    longest = sorted(zip(starts, ends, strict=True), key=lambda run: run[0] - run[1])[:most]
    return sorted(start for start, _ in longest)
