"""Partials table: the sounding note's partials first (harmonic number, frequency, cents from
the ideal harmonic, level, T60, a1), then the other peaks above the noise floor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pianoscope.app.live.frame_analysis import LiveFrame
from pianoscope.gui.qt import QtWidgets

if TYPE_CHECKING:
    from pianoscope.dsp.corrected_spectrum import Partial

COLUMNS = ("harmonic", "freq (Hz)", "cents", "dBFS", "T60 (s)", "a1 (Hz)")
# What each column says, on its header's tooltip: the short headers fit the docked table
# ("level (dBFS)" was cut to "evel (dBFS" at the window's default size).
COLUMN_TIPS = (
    "Which harmonic of the sounding note the peak is (– for a peak that belongs to no harmonic)",
    "The peak's frequency, estimated between FFT bins",
    "How far the peak lies from the ideal harmonic (n times the fundamental), in cents: a piano's "
    "stiff strings sharpen the upper partials",
    "The peak's level, dB below digital full scale",
    "How long the partial takes to decay by 60 dB, from its width a1",
    "The width of the partial's Lorentzian peak (its decay rate γ = 2π·a1)",
)
MAX_ROWS = 24


class PartialsTable(QtWidgets.QTableWidget):
    """`LiveFrame.shown_partials` in their order, in a fixed set of rows.

    Rows are created once and blanked when unused: shrinking the row count would make Qt delete
    items that are still referenced from Python.
    """

    def __init__(self) -> None:
        super().__init__(MAX_ROWS, len(COLUMNS))
        self.setHorizontalHeaderLabels(COLUMNS)
        for column, tip in enumerate(COLUMN_TIPS):
            self.horizontalHeaderItem(column).setToolTip(tip)
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.cells = [[QtWidgets.QTableWidgetItem() for _ in COLUMNS] for _ in range(MAX_ROWS)]
        for row, items in enumerate(self.cells):
            for column, item in enumerate(items):
                self.setItem(row, column, item)
        self.shown_rows = 0

    def show_frame(self, frame: LiveFrame) -> None:
        rows = frame.shown_partials[:MAX_ROWS]
        for row in range(MAX_ROWS):
            texts = _row_texts(rows[row]) if row < len(rows) else ("",) * len(COLUMNS)
            for item, text in zip(self.cells[row], texts, strict=True):
                item.setText(text)
        self.shown_rows = len(rows)


def _row_texts(partial: Partial) -> tuple[str, ...]:
    t60, cents = partial.t60_s, partial.cents_from_harmonic
    return (
        "–" if partial.harmonic is None else str(partial.harmonic),
        f"{partial.freq_hz:.2f}",
        "–" if cents is None else f"{cents:+.1f}",
        f"{partial.amp_db:.1f}",
        "–" if t60 is None else f"{t60:.1f}",
        f"{partial.a1_hz:.2f}",
    )
