"""A changing readout repaints itself, never the window's layout (real widgets, offscreen)."""

from __future__ import annotations

from support.layout_requests import LayoutRequests, window_with_dock

from pianoscope.gui.qt import QtWidgets
from pianoscope.gui.text_line import TextLine

TEXTS = ("C4 +3¢", "A#0 -12¢ and a much longer text than before", "–") * 5


def _relayouts_while_texts_change(line: QtWidgets.QWidget, qtbot) -> int:
    panel = QtWidgets.QWidget()
    QtWidgets.QVBoxLayout(panel).addWidget(line)
    window = window_with_dock(panel)
    qtbot.addWidget(window)
    requests = LayoutRequests(window)
    for text in TEXTS:
        line.setText(text)
        QtWidgets.QApplication.processEvents()
    return requests.count


def test_a_label_relays_out_the_window_on_new_text(qtbot) -> None:
    """What TextLine is for: a QLabel's new text re-lays out the whole main window."""
    assert _relayouts_while_texts_change(QtWidgets.QLabel("–"), qtbot) >= len(TEXTS) // 2


def test_a_text_line_never_relays_out_the_window(qtbot) -> None:
    line = TextLine("–", widest="A#0 -12¢")
    assert _relayouts_while_texts_change(line, qtbot) == 0
    assert line.text() == "–"


def test_a_text_line_asks_for_its_widest_text_but_can_be_narrower(qtbot) -> None:
    line = TextLine("short", widest="a sample of the widest text it will show")
    qtbot.addWidget(line)
    widest = line.fontMetrics().horizontalAdvance("a sample of the widest text it will show")
    assert line.sizeHint().width() >= widest
    assert line.minimumSizeHint().width() < widest // 2
