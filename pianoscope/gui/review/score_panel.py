"""The review window's score view: the take against its score, on a bar axis.

A take filed in the library under a piece with a stored score is compared with that score
(**Compare with the score of <piece>**); **Compare with score…** reads any MusicXML, MEI or
MIDI file instead. The comparison runs in a background job (progress and Cancel here; the rest
of the window keeps working). Then it
shows the three sentences to say first, a score-aligned piano roll (score notes as outlines,
played notes filled, missed red, wrong pitch orange, extra grey) and a table of every bar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pianoscope.app.background import BackgroundJob
from pianoscope.app.library.scores import StoredScore
from pianoscope.app.review.score import ScoredTake, compare_with_score, read_score
from pianoscope.dsp.pitch import note_name
from pianoscope.gui.qt import QtCore, QtWidgets, pg
from pianoscope.progress import CancelToken, ProgressCallback
from pianoscope.score.alignment import MISSED, PLAYED, WRONG_PITCH
from pianoscope.score.comparison import ScoreComparison
from pianoscope.score.loading import Score
from pianoscope.score.roll import EXTRA, WRITTEN, RollNote, roll_notes

POLL_INTERVAL_MS = 100
KIND_RGB = {
    PLAYED: (40, 90, 180),
    MISSED: (214, 39, 40),
    WRONG_PITCH: (255, 140, 0),
    EXTRA: (150, 150, 150),
}
OUTLINE_RGB = (90, 90, 90)
COLUMNS = ("Bar", "Notes", "Wrong", "Missed", "Extra", "BPM", "Tempo", "Dynamic", "Articulation")
SCORE_FILTER = "Scores (*.musicxml *.xml *.mxl *.mei *.mid *.midi)"


class ScoreRoll(pg.PlotWidget):
    """Score and take on one bar axis; bar numbers under each bar's start."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("score roll")
        self.setMenuEnabled(False)
        self.setLabel("bottom", "bar")
        self.showGrid(x=True, y=False, alpha=0.3)
        self.roll_items: tuple[RollNote, ...] = ()

    def show_notes(self, items: tuple[RollNote, ...], comparison: ScoreComparison) -> None:
        self.clear()
        self.roll_items = items
        for kind in (WRITTEN, PLAYED, MISSED, WRONG_PITCH, EXTRA):
            chosen = [item for item in items if item.kind == kind]
            if not chosen:
                continue
            outline = kind == WRITTEN
            self.addItem(
                pg.BarGraphItem(
                    x0=[item.start_bar for item in chosen],
                    y0=[item.midi + (0.05 if outline else 0.2) for item in chosen],
                    width=[max(item.end_bar - item.start_bar, 0.02) for item in chosen],
                    height=[0.9 if outline else 0.6 for _ in chosen],
                    brush=None if outline else pg.mkBrush(*KIND_RGB[kind]),
                    pen=pg.mkPen(OUTLINE_RGB) if outline else pg.mkPen(None),
                )
            )
        labels = [
            (index, str(bar.number) + ("'" if bar.repeat > 1 else ""))
            for index, bar in enumerate(comparison.bars)
        ]
        step = max(1, len(labels) // 24)
        self.getAxis("bottom").setTicks([labels[::step], labels])
        midis = [item.midi for item in items]
        if midis:
            self.setYRange(min(midis) - 2, max(midis) + 3, padding=0)
            self.getAxis("left").setTicks(
                [[(m + 0.5, note_name(m)) for m in range(min(midis) - 2, max(midis) + 3, 12)]]
            )
        self.setXRange(0, len(comparison.bars), padding=0.01)


class ScorePanel(QtWidgets.QWidget):
    """Compare the open take with a score and show the result; `problem` carries errors."""

    problem = QtCore.Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.take: Path | None = None
        self.stored_score: StoredScore | None = None
        self.score: Score | None = None
        self.comparison: ScoreComparison | None = None
        self._job: BackgroundJob[tuple[Score, ScoreComparison]] | None = None
        self.stored_button = QtWidgets.QPushButton()
        self.stored_button.clicked.connect(self.compare_with_stored)
        self.compare_button = QtWidgets.QPushButton("Compare with score…")
        self.compare_button.clicked.connect(self._ask_score)
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 1000)
        self.headline = QtWidgets.QLabel("Compare the take with its score to see it bar by bar.")
        self.headline.setWordWrap(True)
        self.roll = ScoreRoll()
        self.table = QtWidgets.QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        buttons = QtWidgets.QHBoxLayout()
        for widget in (self.stored_button, self.compare_button, self.progress, self.cancel_button):
            buttons.addWidget(widget)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.headline)
        layout.addWidget(self.roll, 2)
        layout.addWidget(self.table, 1)
        self._timer = QtCore.QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self._poll)
        self.set_take(None)

    def set_take(self, path: Path | None, stored_score: StoredScore | None = None) -> None:
        """The take to compare (None: nothing open) and the score its piece has in the
        library, if any; forgets the previous comparison."""
        self.cancel()
        self.take = path
        self.stored_score = stored_score if path is not None else None
        self.score = self.comparison = None
        self.roll.clear()
        self.table.setRowCount(0)
        if self.stored_score is not None:
            self.stored_button.setText(f"Compare with the score of {self.stored_score.piece}")
            self.headline.setText(
                f"The library keeps a score for {self.stored_score.piece} "
                f"({self.stored_score.file.file_name}): compare the take with it to see it "
                "bar by bar."
            )
        else:
            self.headline.setText("Compare the take with its score to see it bar by bar.")
        self._show_busy(False)

    def compare(self, score_path: str | Path) -> None:
        """Start comparing the take with the score at `score_path` in the background."""
        self._start(lambda: read_score(score_path), Path(score_path).name)

    def compare_with_stored(self) -> None:
        """Start comparing the take with the score stored for its piece."""
        if self.stored_score is not None:
            self._start(self.stored_score.load, self.stored_score.file.file_name)

    def _start(self, read: Callable[[], Score], score_name: str) -> None:
        if self.take is None:
            return
        take = self.take

        def work(progress: ProgressCallback, cancel: CancelToken) -> ScoredTake:
            return compare_with_score(read(), take, progress=progress, cancel=cancel)

        self.cancel()
        self._job = BackgroundJob("score comparison", work).start()
        self.headline.setText(f"Comparing with {score_name}…")
        self._show_busy(True)
        self._timer.start()

    @property
    def busy(self) -> bool:
        return self._job is not None

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
            self._timer.stop()
            self._show_busy(False)
            self.headline.setText("Comparison cancelled.")

    def show_comparison(self, score: Score, comparison: ScoreComparison) -> None:
        self.score, self.comparison = score, comparison
        self.headline.setText(
            "\n".join(f"{number}. {text}" for number, text in enumerate(comparison.headline, 1))
        )
        self.roll.show_notes(roll_notes(score, comparison), comparison)
        findings_of: dict[tuple[int, int], list[str]] = {}
        for finding in comparison.findings:
            for number in range(finding.first_bar, finding.last_bar + 1):
                findings_of.setdefault((number, finding.repeat), []).append(finding.text)
        self.table.setRowCount(len(comparison.bars))
        for row, bar in enumerate(comparison.bars):
            cells = (
                f"{bar.number}" + (" (repeat)" if bar.repeat > 1 else ""),
                str(bar.written_notes),
                str(bar.wrong_notes),
                str(bar.missed_notes),
                str(bar.extra_notes),
                f"{bar.bpm:.0f}" if bar.bpm is not None else "–",
                f"{bar.tempo_ratio:.2f}" if bar.tempo_ratio is not None else "–",
                f"{bar.marked_dynamic or '–'} / {bar.played_dynamic or '–'}",
                f"{bar.marked_articulation or '–'} / {bar.played_articulation or '–'}",
            )
            notes = findings_of.get((bar.number, bar.repeat), [])
            for column, text in enumerate(cells):
                item = QtWidgets.QTableWidgetItem(text)
                if notes:
                    item.setToolTip("\n".join(notes))
                    item.setBackground(pg.mkColor(255, 235, 205))
                self.table.setItem(row, column, item)

    def _ask_score(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Score of the piece", "", SCORE_FILTER
        )
        if path:
            self.compare(path)

    def _poll(self) -> None:
        job = self._job
        if job is None:
            return
        if not job.done:
            self.progress.setValue(round(1000 * job.progress))
            return
        self._job = None
        self._timer.stop()
        self._show_busy(False)
        if job.result is not None:
            self.show_comparison(job.result.score, job.result.comparison)
        elif job.error:
            self.headline.setText(job.error)
            self.problem.emit(job.error)

    def _show_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.compare_button.setEnabled(not busy and self.take is not None)
        self.stored_button.setVisible(self.stored_score is not None)
        self.stored_button.setEnabled(not busy)
