"""The live window's score panel: choose a score, see where the student is, wrong notes flash.

The strip shows the bar being played and the next one as a small piano roll: written notes as
outlines, those already reached filled, a cursor at the student's place, and a wrong note as a
red mark at its pitch for FLASH_S from when the panel first shows it. Everything shown comes
from the engine's `FollowSnapshot` (`pianoscope.app.live.score_follow`); reading the score runs
in the background so the live view never stalls on it.

The flash is timed by the wall clock from its first showing, not by the input's clock from the
note: on a busy machine the follower catches up seconds of audio at once and the window draws
a few times a second, so a flash timed from the note was over before it was ever drawn. A
wrong note first seen more than STALE_S of input after it was played (the panel was hidden
meanwhile) is not flashed at all: it is history, not news.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pianoscope.app.background import BackgroundJob
from pianoscope.app.live.score_follow import FollowSnapshot
from pianoscope.app.review.score import read_score
from pianoscope.dsp.pitch import note_name
from pianoscope.gui.qt import QtCore, QtGui, QtWidgets
from pianoscope.gui.review.score_panel import SCORE_FILTER
from pianoscope.gui.text_line import TextLine
from pianoscope.score.loading import Score

if TYPE_CHECKING:  # the window reaches the score only through the app layer
    from pianoscope.score.follow import WrongNote

FLASH_S = 1.5
STALE_S = 10.0
POLL_MS = 100
NO_SCORE = "Choose a score to see where the playing is in it."
WRONG_RGB = (214, 39, 40)
REACHED_RGB = (31, 119, 180)
OUTLINE_RGB = (120, 120, 120)
CURSOR_RGB = (255, 127, 14)
WRONG_MARK_BEATS = 0.25


class ScoreStrip(QtWidgets.QWidget):
    """The current and the next bar as a piano roll, with the cursor and flashing wrong notes.

    `drawn_wrong` names the wrong notes drawn by the last paint (what a test can check);
    `clock` gives the wall time flashes are timed by (seconds)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.setMinimumHeight(90)
        self._clock = clock
        self._follow: FollowSnapshot | None = None
        self._first_shown_s: dict[WrongNote, float | None] = {}  # None: never flashed
        self.drawn_wrong: tuple[str, ...] = ()

    def show_follow(self, follow: FollowSnapshot | None) -> None:
        if follow is None or self._follow is None or follow.score is not self._follow.score:
            self._first_shown_s = {}
        self._follow = follow
        if follow is not None:
            now_s = self._clock()
            for wrong in follow.state.wrong_notes:
                if wrong not in self._first_shown_s:
                    news = follow.heard_until_s - wrong.time_s <= STALE_S
                    self._first_shown_s[wrong] = now_s if news else None
        self.update()

    def flashing_notes(self) -> list[WrongNote]:
        """The wrong notes still flashing, oldest first."""
        now_s = self._clock()
        return [
            wrong
            for wrong, shown_s in self._first_shown_s.items()
            if shown_s is not None and now_s - shown_s <= FLASH_S
        ]

    def flashing(self) -> list[tuple[float, int]]:
        """(beat, midi) of the wrong notes still flashing."""
        follow = self._follow
        if follow is None:
            return []
        return [
            (_beat_of(follow.score, wrong.bar, wrong.beat_in_bar), wrong.midi)
            for wrong in self.flashing_notes()
        ]

    def paintEvent(self, event: QtGui.QPaintEvent) -> None:
        follow = self._follow
        self.drawn_wrong = ()
        if follow is None or follow.state.bar is None:
            return
        score, state = follow.score, follow.state
        first = next(i for i, bar in enumerate(score.bars) if bar.number == state.bar)
        bars = score.bars[first : first + 2]
        notes = [n for n in score.notes if bars[0].start_beat <= n.onset_beat < bars[-1].end_beat]
        flashing = self.flashing()
        pitches = [n.midi for n in notes] + [midi for _, midi in flashing]
        if not pitches:
            return
        roll = _Roll(
            bars[0].start_beat, bars[-1].end_beat, min(pitches) - 1, max(pitches) + 1, self.size()
        )
        cursor_beat = bars[0].start_beat + (state.beat_in_bar or 1.0) - 1.0
        painter = QtGui.QPainter(self)
        painter.setPen(QtGui.QColor(*OUTLINE_RGB))
        for bar in bars:
            roll.vertical(painter, bar.start_beat)
            painter.drawText(QtCore.QPointF(roll.x(bar.start_beat) + 3, 12), f"Bar {bar.number}")
        for note in notes:
            rect = roll.rect(note.onset_beat, note.onset_beat + note.duration_beat, note.midi)
            if note.onset_beat <= cursor_beat:
                painter.fillRect(rect, QtGui.QColor(*REACHED_RGB))
            painter.drawRect(rect)
        painter.setPen(QtGui.QPen(QtGui.QColor(*CURSOR_RGB), 2))
        roll.vertical(painter, cursor_beat)
        wrong_colour = QtGui.QColor(*WRONG_RGB)
        painter.setPen(wrong_colour)
        bold = painter.font()
        bold.setBold(True)
        painter.setFont(bold)
        for beat, midi in flashing:
            rect = roll.rect(beat, beat + WRONG_MARK_BEATS, midi).adjusted(0, -2, 0, 2)
            painter.fillRect(rect, wrong_colour)
            painter.drawText(QtCore.QPointF(rect.right() + 3, rect.bottom()), note_name(midi))
        painter.end()
        self.drawn_wrong = tuple(note_name(midi) for _, midi in flashing)


class _Roll:
    """Beats from `start` to `end` across the widget, keys `low` to `high` up it."""

    def __init__(self, start: float, end: float, low: int, high: int, size: QtCore.QSize) -> None:
        self._start, self._end, self._low = start, end, low
        self._width, self._height = size.width(), size.height()
        self.row = self._height / (high - low + 1)

    def x(self, beat: float) -> float:
        return self._width * (beat - self._start) / max(self._end - self._start, 1e-9)

    def rect(self, onset_beat: float, end_beat: float, midi: int) -> QtCore.QRectF:
        top = self._height - self.row * (midi - self._low + 1)
        return QtCore.QRectF(
            self.x(onset_beat), top, self.x(end_beat) - self.x(onset_beat), self.row
        )

    def vertical(self, painter: QtGui.QPainter, beat: float) -> None:
        painter.drawLine(
            QtCore.QPointF(self.x(beat), 0), QtCore.QPointF(self.x(beat), self._height)
        )


class ScoreFollowPanel(QtWidgets.QWidget):
    """Choose a score to follow; `follow_requested(Score)` and `stop_requested()` go to the
    window, which hands them to the engine."""

    follow_requested = QtCore.Signal(object)
    stop_requested = QtCore.Signal()

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.choose_button = QtWidgets.QPushButton("Follow a score…")
        self.choose_button.clicked.connect(self._ask_score)
        self.stop_button = QtWidgets.QPushButton("Stop following")
        self.stop_button.clicked.connect(self.stop_following)
        self.stop_button.setEnabled(False)
        self.status = TextLine(NO_SCORE, widest="Wrong note: C#8 in bar 100, beat 4.5 " * 2)
        self.strip = ScoreStrip(clock)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.strip, 1)
        self._job: BackgroundJob[Score] | None = None
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)
        self._shown: FollowSnapshot | None = None
        self._drawn_flashing = False

    def follow(self, path: str) -> None:
        """Read the score at `path` in the background, then ask to follow it."""
        self.status.setText("Reading the score…")
        self.choose_button.setEnabled(False)
        self._job = BackgroundJob("read-score", lambda progress, cancel: read_score(path)).start()
        self._timer.start()

    def stop_following(self) -> None:
        self.stop_button.setEnabled(False)
        self.status.setText(NO_SCORE)
        self.strip.show_follow(None)
        self._shown = None
        self.stop_requested.emit()

    def show_follow(self, follow: FollowSnapshot | None) -> None:
        """Draw the engine's newest follow state (nothing is redrawn when it has not changed,
        except while a wrong note is flashing)."""
        if follow is None or (follow is self._shown and not self._drawn_flashing):
            return
        self._shown = follow
        self.strip.show_follow(follow)
        flashing = self.strip.flashing_notes()
        self._drawn_flashing = bool(flashing)  # drawn again once more when the flash is over
        self.status.setText(_status_text(follow, flashing))

    @property
    def shown(self) -> FollowSnapshot | None:
        """The follow state the panel shows now (None: nothing followed)."""
        return self._shown

    def _ask_score(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Score to follow", "", SCORE_FILTER)
        if path:
            self.follow(path)

    def _poll(self) -> None:
        job = self._job
        if job is None or not job.done:
            return
        self._job = None
        self._timer.stop()
        self.choose_button.setEnabled(True)
        if job.result is not None:
            self.stop_button.setEnabled(True)
            self.status.setText(f"Following {job.result.title}: play from anywhere in it.")
            self.follow_requested.emit(job.result)
        elif job.error:
            self.status.setText(job.error)


def _status_text(follow: FollowSnapshot, flashing: list[WrongNote]) -> str:
    state = follow.state
    if follow.problem:
        return follow.problem
    if state.bar is None:
        return f"Following {follow.score.title}: waiting for the first notes."
    text = f"{follow.score.title}: bar {state.bar}, beat {state.beat_in_bar:g}"
    if flashing:
        wrong = flashing[-1]
        text += f"   Wrong note: {note_name(wrong.midi)} in bar {wrong.bar}"
    return text


def _beat_of(score: Score, bar_number: int, beat_in_bar: float) -> float:
    """Score beat of a printed bar's beat (the first bar with that number)."""
    bar = next(b for b in score.bars if b.number == bar_number)
    return bar.start_beat + beat_in_bar - 1.0
