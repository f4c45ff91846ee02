"""Export any view of the review window as PNG (pyqtgraph's exporter) or SVG.

SVG goes through Qt's QSvgGenerator rendering the whole plot widget: pyqtgraph's own SVG
exporter fails on some items (images, text with anchors), Qt's renderer draws everything.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph.exporters
from PySide6.QtSvg import QSvgGenerator

from pianoscope.errors import PianoscopeError
from pianoscope.gui.qt import QtCore, QtGui, pg

EXPORT_WIDTH_PX = 1600


class ExportError(PianoscopeError):
    """A view could not be saved as an image."""


def export_plot(plot: pg.PlotWidget, path: str | Path) -> None:
    """PNG or SVG by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".svg":
            _export_svg(plot, path)
        elif suffix == ".png":
            exporter = pyqtgraph.exporters.ImageExporter(plot.plotItem)
            exporter.parameters()["width"] = EXPORT_WIDTH_PX
            exporter.export(str(path))
        else:
            raise ExportError(
                f"Views can be saved as .png or .svg, not {suffix or 'no extension'}."
            )
    except OSError as error:
        raise ExportError(f"Could not save {path.name}: {error.strerror or error}") from error
    if not path.is_file() or path.stat().st_size == 0:
        raise ExportError(f"Could not save {path.name}; is the folder writable?")


def _export_svg(plot: pg.PlotWidget, path: Path) -> None:
    size = plot.size()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QtCore.QRect(0, 0, size.width(), size.height()))
    generator.setTitle(plot.objectName())
    painter = QtGui.QPainter()
    if not painter.begin(generator):
        raise ExportError(f"Could not save {path.name}; is the folder writable?")
    try:
        plot.render(painter)
    finally:
        painter.end()
