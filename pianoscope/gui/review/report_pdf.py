"""The one-click lesson report as a PDF (QPdfWriter): header, numbers, timelines, the take
against its score (when compared with one), comments.

Drawn with QPainter from the analysis itself rather than by grabbing widgets, so the report
looks the same whatever the window's zoom and works without a screen.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np

from pianoscope.analysis.result import Analysis
from pianoscope.app.review.lesson_report import LessonReport, format_time
from pianoscope.dsp.pitch import note_name
from pianoscope.errors import PianoscopeError
from pianoscope.gui.qt import QtCore, QtGui
from pianoscope.gui.review.classifier_timeline import (
    ROWS,
    band_text,
    is_dark,
    label_rgb,
    segment_label,
)

DPI = 150
MARGIN = 0.07  # of the page width
FLOOR_DB = -80.0
COMMENT_CHARS = 78


class ReportError(PianoscopeError):
    """The lesson report could not be written."""


def write_report_pdf(report: LessonReport, analysis: Analysis, path: str | Path) -> int:
    """Write the report; returns the number of pages."""
    writer = QtGui.QPdfWriter(str(path))
    writer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
    writer.setResolution(DPI)
    writer.setTitle(report.title)
    writer.setCreator("Pianoscope")
    painter = QtGui.QPainter()
    if not painter.begin(writer):
        raise ReportError(f"Could not write the report to {path}; is the folder writable?")
    try:
        pages = _Pages(painter, writer)
        _header(pages, report)
        _summary(pages, report)
        duration_s = max(analysis.duration_s, 1e-3)
        _loudness(pages, report, analysis, duration_s)
        _classifier(pages, analysis, duration_s)
        _piano_roll(pages, analysis, duration_s)
        _score(pages, report)
        _comments(pages, report)
    finally:
        painter.end()
    return pages.count


class _Pages:
    """A cursor going down the page, starting a new page when a block does not fit."""

    def __init__(self, painter: QtGui.QPainter, writer: QtGui.QPdfWriter) -> None:
        self.painter, self.writer = painter, writer
        self.width, self.height = writer.width(), writer.height()
        self.left = round(self.width * MARGIN)
        self.right = self.width - self.left
        self.top = self.left
        self.y = self.top
        self.count = 1

    def need(self, height: int) -> None:
        if self.y + height > self.height - self.left:
            self.writer.newPage()
            self.count += 1
            self.y = self.top

    def text(self, text: str, *, size: float = 10, bold: bool = False, gap: float = 1.5) -> None:
        font = QtGui.QFont("Helvetica", 1)
        font.setPointSizeF(size)
        font.setBold(bold)
        self.painter.setFont(font)
        line = round(size / 72 * DPI * gap)
        self.need(line)
        self.painter.setPen(QtGui.QColor("#222222"))
        self.painter.drawText(self.left, self.y + round(size / 72 * DPI), text)
        self.y += line

    def box(self, title: str, height: int) -> QtCore.QRect:
        self.text(title, size=11, bold=True, gap=1.6)
        self.need(height)
        rect = QtCore.QRect(self.left, self.y, self.right - self.left, height)
        self.painter.setPen(QtGui.QPen(QtGui.QColor("#999999"), 1))
        self.painter.drawRect(rect)
        self.y += height + round(0.25 * DPI)
        return rect


def _x(rect: QtCore.QRect, time_s: float, duration_s: float) -> float:
    return rect.left() + rect.width() * min(max(time_s / duration_s, 0.0), 1.0)


def _header(pages: _Pages, report: LessonReport) -> None:
    pages.text("Lesson report", size=20, bold=True, gap=1.4)
    pages.text(f"Student: {report.student}     Piece: {report.piece}", size=12)
    pages.text(f"Recorded: {report.date}     File: {report.file_name}", size=10)
    pages.y += round(0.1 * DPI)


def _summary(pages: _Pages, report: LessonReport) -> None:
    for name, value in report.summary:
        pages.text(f"{name}:  {value}", size=10, gap=1.45)
    pages.y += round(0.1 * DPI)


def _loudness(pages: _Pages, report: LessonReport, analysis: Analysis, duration_s: float) -> None:
    rect = pages.box(f"Loudness (A-weighted, {FLOOR_DB:.0f}…0 dBFS) and dynamics", 260)
    painter = pages.painter
    levels = np.maximum(analysis.loudness.a_weighted_db, FLOOR_DB)
    frame_s = analysis.loudness.frame_s
    points = [
        QtCore.QPointF(
            _x(rect, (i + 0.5) * frame_s, duration_s),
            rect.bottom() - rect.height() * (level - FLOOR_DB) / -FLOOR_DB,
        )
        for i, level in enumerate(levels)
    ]
    painter.setPen(QtGui.QPen(QtGui.QColor("#e8743b"), 2))
    painter.drawPolyline(points)
    font = QtGui.QFont("Times", 1)
    font.setPointSizeF(11)
    font.setItalic(True)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QtGui.QColor("#222222"))
    for marking in report.markings:
        painter.drawText(
            round(_x(rect, marking.start_s, duration_s)) + 4, rect.top() + 28, marking.marking
        )
    _time_ticks(pages, rect, duration_s)


def _classifier(pages: _Pages, analysis: Analysis, duration_s: float) -> None:
    rect = pages.box("Classifier (playing, piano, form, intensity)", 150)
    painter = pages.painter
    row_height = rect.height() / len(ROWS)
    small = QtGui.QFont("Helvetica", 1)
    small.setPointSizeF(7)
    painter.setFont(small)
    names: list[tuple[QtCore.QPointF, str]] = []
    for row, head in enumerate(ROWS):
        top = rect.top() + row * row_height
        previous = None
        for segment in analysis.segments:
            label = segment_label(segment, head)
            x0, x1 = _x(rect, segment.start_s, duration_s), _x(rect, segment.end_s, duration_s)
            colour = QtGui.QColor(*label_rgb(head, label))
            painter.fillRect(QtCore.QRectF(x0, top + 2, x1 - x0, row_height - 4), colour)
            if label != previous:
                names.append((QtCore.QPointF(x0 + 3, top + row_height / 2 + 5), label))
            previous = label
    for point, label in names:  # after all bands, so that no band covers a name
        painter.setPen(QtGui.QColor("white" if is_dark(label) else "black"))
        painter.drawText(point, band_text(label))


def _piano_roll(pages: _Pages, analysis: Analysis, duration_s: float) -> None:
    rect = pages.box(f"Notes ({len(analysis.notes)})", 300)
    if not analysis.notes:
        return
    low, high = piano_roll_keys(analysis)
    key_height = rect.height() / (high - low)
    _octave_lines(pages, rect, low, high, key_height)
    for note in analysis.notes:
        x0 = _x(rect, note.onset_s, duration_s)
        x1 = max(_x(rect, note.offset_s, duration_s), x0 + 2)
        y = rect.bottom() - (note.midi - low + 1) * key_height
        shade = int(np.interp(note.velocity, (20, 127), (200, 20)))
        pages.painter.fillRect(
            QtCore.QRectF(x0, y, x1 - x0, max(key_height * 0.8, 2)),
            QtGui.QColor(30, shade, 200 - shade // 2),
        )
    _time_ticks(pages, rect, duration_s)


def piano_roll_keys(analysis: Analysis) -> tuple[int, int]:
    """The MIDI keys the report's piano roll spans (low included, high not): the notes played
    with two keys below and three above."""
    return min(n.midi for n in analysis.notes) - 2, max(n.midi for n in analysis.notes) + 3


def _octave_lines(
    pages: _Pages, rect: QtCore.QRect, low: int, high: int, key_height: float
) -> None:
    """A faint line under every C of the roll, named in the margin (C4 = middle C), so the
    teacher reads which notes were played."""
    painter = pages.painter
    small = QtGui.QFont("Helvetica", 1)
    small.setPointSizeF(7)
    painter.setFont(small)
    for midi in range(low + (-low) % 12, high, 12):
        y = rect.bottom() - (midi - low) * key_height
        painter.setPen(QtGui.QPen(QtGui.QColor("#dddddd"), 1))
        painter.drawLine(QtCore.QPointF(rect.left(), y), QtCore.QPointF(rect.right(), y))
        painter.setPen(QtGui.QColor("#555555"))
        label = QtCore.QRectF(pages.left - 0.5 * DPI, y - key_height / 2 - 20, 0.45 * DPI, 40)
        align = QtCore.Qt.AlignmentFlag.AlignRight | QtCore.Qt.AlignmentFlag.AlignVCenter
        painter.drawText(label, align, note_name(midi))


def _time_ticks(pages: _Pages, rect: QtCore.QRect, duration_s: float) -> None:
    painter = pages.painter
    small = QtGui.QFont("Helvetica", 1)
    small.setPointSizeF(7)
    painter.setFont(small)
    painter.setPen(QtGui.QColor("#555555"))
    step = _nice_step(duration_s / 8)
    for tick in np.arange(0.0, duration_s + 1e-9, step):
        x = round(_x(rect, tick, duration_s))
        painter.drawLine(x, rect.bottom(), x, rect.bottom() + 8)
        painter.drawText(x + 2, rect.bottom() + 24, format_time(tick))


def _nice_step(raw_s: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800):
        if step >= raw_s:
            return float(step)
    return 3600.0


def _score(pages: _Pages, report: LessonReport) -> None:
    """How the take follows its score, when it was compared with one."""
    if not report.score_lines:
        return
    pages.text("Against the score", size=11, bold=True, gap=1.6)
    for line in report.score_lines:
        for part in textwrap.wrap(line, COMMENT_CHARS) or [""]:
            pages.text(part, size=10)


def _comments(pages: _Pages, report: LessonReport) -> None:
    pages.y += round(0.05 * DPI)
    pages.text(f"Comments ({len(report.comments)})", size=11, bold=True, gap=1.6)
    if not report.comments:
        pages.text("No comments.", size=10)
    for comment in report.comments:
        lines = textwrap.wrap(comment.text, COMMENT_CHARS) or [""]
        pages.text(f"{format_time(comment.time_s)}   {lines[0]}", size=10, gap=1.45)
        for line in lines[1:]:
            pages.text(f"            {line}", size=10, gap=1.45)
