"""Drawing live plots cheaply: the GUI thread shares the GIL with the live analysis thread.

pyqtgraph repaints an axis, with its grid lines and tick labels, whenever a curve in its plot
changes, by replaying a recorded QPicture: 3-4 ms per axis per frame while holding the GIL,
which is time the analysis thread waits for before it can compute the next spectrum. With Qt's
device-coordinate cache an unchanged axis is a pixmap copy instead. Curves are thinned to one
point per pixel column before they are handed to pyqtgraph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from pianoscope.gui.qt import QtWidgets, pg

AXIS_NAMES = ("left", "bottom", "right", "top")


def cache_axes(plot: pg.PlotWidget) -> None:
    """Let Qt keep each axis of `plot` (grid included) as a pixmap until its range changes."""
    for name in AXIS_NAMES:
        axis = plot.getPlotItem().getAxis(name)
        axis.setCacheMode(QtWidgets.QGraphicsItem.CacheMode.DeviceCoordinateCache)


def stepped_span(span: float, smallest: float, step: float = math.sqrt(2.0)) -> float:
    """The smallest `smallest · step^k` (k ≥ 0) at least `span`.

    An auto-ranged axis that follows the signal exactly is rebuilt on every frame; in steps it
    is rebuilt only when the signal crosses one.
    """
    if span <= smallest:
        return smallest
    return smallest * step ** math.ceil(math.log(span / smallest, step) - 1e-9)


@dataclass
class SteppedRange:
    """An auto-range for a signal: grows at once, shrinks only after `hold_s` of smaller signal.

    Following every swing would rebuild the axis on most frames (see the module docstring).
    """

    smallest: float
    hold_s: float = 1.0
    span: float = 0.0
    _smaller_since_s: float | None = None

    def update(self, needed: float, time_s: float) -> bool:
        """Take the span the newest data needs; True when the shown span changed."""
        target = stepped_span(needed, self.smallest)
        if target >= self.span:
            self._smaller_since_s = None
            changed, self.span = target > self.span, target
            return changed
        if self._smaller_since_s is None:
            self._smaller_since_s = time_s
        if time_s - self._smaller_since_s < self.hold_s:
            return False
        self.span, self._smaller_since_s = target, None
        return True


def peak_envelope(
    x: np.ndarray, y: np.ndarray, x_range: tuple[float, float], columns: int
) -> tuple[np.ndarray, np.ndarray]:
    """At most one point per pixel column of the visible x range: the highest (x sorted).

    A spectrum has thousands of bins and a plot about a thousand pixels; drawing every bin costs
    the GUI thread milliseconds per curve per frame. Keeping each column's maximum draws the same
    picture a spectrum analyser shows (no peak is lost), and columns holding a single point, as
    on the low end of a log axis, keep it exactly. One point beyond each edge keeps the line
    running off the plot.
    """
    low, high = x_range
    first = max(int(np.searchsorted(x, low)) - 1, 0)
    last = min(int(np.searchsorted(x, high)) + 1, x.size)
    x, y = x[first:last], y[first:last]
    if x.size <= 2 or high <= low:
        return x, y
    column = np.floor((x - low) * (columns / (high - low))).astype(np.int64)
    starts = np.flatnonzero(np.diff(column, prepend=column[0] - 1))
    return x[starts], np.maximum.reduceat(y, starts)
