"""Import point for Qt and pyqtgraph, so that pyqtgraph always binds to PySide6."""

from __future__ import annotations

import os

os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")

__all__ = ["QtCore", "QtGui", "QtWidgets", "pg"]
