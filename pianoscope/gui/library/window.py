"""The library window: browse takes by student, piece and date, search, import, rename,
delete to the trash, open in review, see progress over time and compare two takes.

Progress is drawn from each take's stored analysis. Takes recorded in the live window are
analysed as they are filed; takes imported here are analysed right after the import (and any
left over, by **Analyse**), in the background with a progress bar and Cancel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from pianoscope.app.background import BackgroundJob
from pianoscope.app.library.analysis import (
    PendingAnalysis,
    analyse_pending,
    not_analysed,
    progress_over_takes,
)
from pianoscope.app.library.compare import AnalysedComparison, compare_and_analyse
from pianoscope.app.library.manage import import_recordings, progress_series, trash_take
from pianoscope.app.segment_labeller import user_labeller
from pianoscope.errors import PianoscopeError
from pianoscope.gui.library.compare_view import CompareView
from pianoscope.gui.library.progress_charts import ProgressCharts, counted
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.library.records import Recording
from pianoscope.library.store import Library

log = logging.getLogger(__name__)

ROLE = QtCore.Qt.ItemDataRole.UserRole
POLL_MS = 100
PROGRESS_STEPS = 1000  # the progress bar's range for a job that reports fractions
AUDIO_FILTER = "Recordings (*.flac *.wav *.ogg *.aiff *.aif *.mp3);;All files (*)"


class LibraryWindow(QtWidgets.QMainWindow):
    """Browses one Library; `open_review(path)` opens a take in the review window."""

    def __init__(
        self, library: Library, *, open_review: Callable[[Path], object] | None = None
    ) -> None:
        super().__init__()
        self.setWindowTitle(f"Pianoscope library — {library.root}")
        self.resize(1200, 800)
        self.library = library
        self._open_review = open_review
        self.job: BackgroundJob | None = None
        self._job_done: Callable[[object], None] | None = None

        self.search_edit = QtWidgets.QLineEdit()
        self.search_edit.setPlaceholderText("search students, pieces, titles, comments")
        self.search_edit.textChanged.connect(self.refresh)
        self.tree = QtWidgets.QTreeWidget()
        self.tree.setHeaderLabels(["take", "date", "length"])
        self.tree.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_selected())
        buttons = QtWidgets.QHBoxLayout()
        for text, slot in (
            ("Import file…", self.import_file_dialog),
            ("Import folder…", self.import_folder_dialog),
            ("Rename…", self.rename_selected),
            ("Delete", self.confirm_delete),
            ("Open", self.open_selected),
            ("Compare", self.compare_selected),
            ("Analyse", self.analyse_pending_takes),
        ):
            button = QtWidgets.QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        left = QtWidgets.QWidget()
        left_layout = QtWidgets.QVBoxLayout(left)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.tree)
        left_layout.addLayout(buttons)
        self.progress_charts = ProgressCharts()
        self.compare_view = CompareView()
        self.tabs = QtWidgets.QTabWidget()
        self.tabs.addTab(self.progress_charts, "Progress")
        self.tabs.addTab(self.compare_view, "Compare")
        splitter = QtWidgets.QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setSizes([420, 780])
        self.setCentralWidget(splitter)
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.hide()
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self._cancel_job)
        self.statusBar().addPermanentWidget(self.progress_bar)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self._poll = QtCore.QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_job)
        self.refresh()

    # -- browsing --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Rebuild the tree: student > piece > takes (newest first), filtered by the search."""
        text = self.search_edit.text().strip()
        takes = self.library.search(text) if text else self.library.recordings()
        self.tree.clear()
        students: dict[str, QtWidgets.QTreeWidgetItem] = {}
        pieces: dict[tuple[str, str], QtWidgets.QTreeWidgetItem] = {}
        for take in sorted(takes, key=lambda r: r.recorded_at, reverse=True):
            student = take.student or "(no student)"
            piece = take.piece or "(no piece)"
            if student not in students:
                item = QtWidgets.QTreeWidgetItem(self.tree, [student])
                item.setData(0, ROLE, ("student", take.student_id))
                students[student] = item
            if (student, piece) not in pieces:
                item = QtWidgets.QTreeWidgetItem(students[student], [piece])
                item.setData(0, ROLE, ("piece", take.student_id, take.piece_id))
                pieces[(student, piece)] = item
            minutes, seconds = divmod(round(take.duration_s), 60)
            leaf = QtWidgets.QTreeWidgetItem(
                pieces[(student, piece)],
                [
                    take.title or Path(take.path).stem,
                    take.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                    f"{minutes}:{seconds:02d}",
                ],
            )
            leaf.setData(0, ROLE, ("take", take.id))
        self.tree.expandAll()
        for column in range(self.tree.columnCount()):  # names and dates whole, not "C majo…"
            self.tree.resizeColumnToContents(column)

    def selected_takes(self) -> list[Recording]:
        ids = [
            item.data(0, ROLE)[1]
            for item in self.tree.selectedItems()
            if item.data(0, ROLE) and item.data(0, ROLE)[0] == "take"
        ]
        return [self.library.recording(recording_id) for recording_id in ids]

    def select_take(self, recording_id: int) -> None:
        """Select the take with this id in the tree (for the keyboard and for tests)."""
        iterator = QtWidgets.QTreeWidgetItemIterator(self.tree)
        while iterator.value() is not None:
            item = iterator.value()
            if item.data(0, ROLE) == ("take", recording_id):
                item.setSelected(True)
            iterator += 1

    def _selection_changed(self) -> None:
        items = self.tree.selectedItems()
        if not items:
            return
        data = items[0].data(0, ROLE)
        if data[0] == "take":
            take = self.library.recording(data[1])
            student_id, piece_id = take.student_id, take.piece_id
        elif data[0] == "piece":
            student_id, piece_id = data[1], data[2]
        else:
            student_id, piece_id = data[1], None
        if student_id is None:
            return
        series = progress_series(self.library, student_id, piece_id)
        names = {student.id: student.name for student in self.library.students()}
        title = names.get(student_id, "")
        if piece_id is not None:
            titles = {piece.id: piece.title for piece in self.library.pieces()}
            title += f" — {titles.get(piece_id, '')}"
        self.progress_charts.show_series(series, title)

    # -- actions ---------------------------------------------------------------------------
    def import_file_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Import recording", "", AUDIO_FILTER)
        if path:
            self.import_paths(Path(path))

    def import_folder_dialog(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(self, "Import a folder of recordings")
        if folder:
            self.import_paths(Path(folder))

    def import_paths(self, path: Path) -> BackgroundJob:
        """Copy a recording or a folder into the library in the background."""

        def work(_progress, _cancel):
            return import_recordings(self.library, path)

        def done(result: object) -> None:
            skipped = getattr(result, "skipped", ())
            message = f"Imported {path.name}."
            if skipped:
                message += f" {len(skipped)} file(s) skipped: " + "; ".join(
                    f"{file.name} ({why})" for file, why in skipped[:5]
                )
            self.statusBar().showMessage(message, 15_000)
            self.refresh()
            if not_analysed(self.library):
                self.analyse_pending_takes()

        return self._run_job(f"Importing {path.name}", work, done, cancellable=False)

    def analyse_pending_takes(self) -> BackgroundJob | None:
        """Analyse every take with no stored analysis (for the progress charts), with the
        classifier's labels when it loads; then redraw the charts of the selection."""
        pending = len(not_analysed(self.library))
        if not pending:
            self.statusBar().showMessage("Every take is analysed.", 5_000)
            return None

        def work(progress, cancel) -> PendingAnalysis:
            return analyse_pending(
                self.library,
                labeller=user_labeller(),
                progress_for=progress_over_takes(progress),
                cancel=cancel,
            )

        def done(result: PendingAnalysis) -> None:
            message = f"Analysed {counted(len(result.analysed), 'take')}."
            if result.skipped:
                message += f" {counted(len(result.skipped), 'take')} could not be: " + "; ".join(
                    f"{Path(s.recording.path).name} ({s.reason})" for s in result.skipped[:5]
                )
            self.statusBar().showMessage(message, 15_000)
            self._selection_changed()

        return self._run_job(f"Analysing {counted(pending, 'take')}", work, done)

    def rename_selected(self) -> QtWidgets.QInputDialog | None:
        takes = self.selected_takes()
        if len(takes) != 1:
            self.statusBar().showMessage("Select one take to rename.", 5_000)
            return None
        take = takes[0]
        dialog = QtWidgets.QInputDialog(self)
        dialog.setWindowTitle("Rename take")
        dialog.setLabelText("New title:")
        dialog.setTextValue(take.title or Path(take.path).stem)
        dialog.textValueSelected.connect(lambda text: self._rename(take.id, text))
        dialog.open()
        return dialog

    def _rename(self, recording_id: int, title: str) -> None:
        try:
            self.library.rename_recording(recording_id, title)
        except PianoscopeError as error:
            self.statusBar().showMessage(str(error), 10_000)
        self.refresh()

    def confirm_delete(self) -> QtWidgets.QMessageBox | None:
        """Ask before moving the selected takes to the library's trash."""
        takes = self.selected_takes()
        if not takes:
            self.statusBar().showMessage("Select the takes to delete.", 5_000)
            return None
        names = "\n".join(f"• {take.student or ''} — {Path(take.path).name}" for take in takes)
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Question,
            "Move to trash?",
            f"Move these takes to the library's trash? They can be restored from there.\n{names}",
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            self,
        )
        ids = [take.id for take in takes]
        box.accepted.connect(lambda: self._delete(ids))
        box.open()
        return box

    def _delete(self, ids: list[int]) -> None:
        for recording_id in ids:
            try:
                trash_take(self.library, recording_id)
            except PianoscopeError as error:
                self.statusBar().showMessage(str(error), 10_000)
        self.refresh()

    def open_selected(self) -> None:
        for take in self.selected_takes():
            if self._open_review is not None:
                self._open_review(self.library.path_of(take))

    def compare_selected(self) -> BackgroundJob | None:
        """Compare two selected takes: the older one is the reference."""
        takes = sorted(self.selected_takes(), key=lambda take: take.recorded_at)
        if len(takes) != 2:
            self.statusBar().showMessage("Select exactly two takes to compare.", 5_000)
            return None
        reference, take = (self.library.path_of(t) for t in takes)
        meter = self.compare_view.meter()

        def work(progress, cancel) -> AnalysedComparison:
            return compare_and_analyse(
                reference, take, meter=meter, progress=progress, cancel=cancel
            )

        def done(result: AnalysedComparison) -> None:
            self.compare_view.show_comparison(result.comparison, result.reference, result.take)
            self.tabs.setCurrentWidget(self.compare_view)
            self.statusBar().showMessage(
                f"Compared {take.name} with {reference.name} (the reference).", 10_000
            )

        return self._run_job("Comparing takes", work, done)

    # -- background work -----------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """A job is running or its result is not yet shown."""
        return self._poll.isActive()

    def _run_job(
        self, name: str, work, done: Callable[[object], None], *, cancellable: bool = True
    ) -> BackgroundJob:
        """Run `work` on a thread with a busy bar; Cancel (when the work can be dropped)
        discards its result."""
        if self.job is not None and not self.job.done:
            self.job.cancel()
        self.job = BackgroundJob(name, work).start()
        self._job_done = done
        self.progress_bar.setRange(0, 0)  # busy until the job reports a fraction
        self.progress_bar.setFormat(f"{name} %p%")
        self.progress_bar.show()
        self.cancel_button.setVisible(cancellable)
        self.statusBar().showMessage(f"{name}…")
        self._poll.start()
        return self.job

    def _poll_job(self) -> None:
        job = self.job
        if job is None:
            return
        if not job.done:
            if job.progress > 0.0:
                self.progress_bar.setRange(0, PROGRESS_STEPS)
                self.progress_bar.setValue(round(job.progress * PROGRESS_STEPS))
            return
        self._poll.stop()
        self.progress_bar.hide()
        self.cancel_button.hide()
        if job.error:
            self.statusBar().showMessage(job.error, 15_000)
        elif job.cancelled:
            self.statusBar().showMessage(f"{job.name}: cancelled.", 5_000)
        elif self._job_done is not None:
            self._job_done(job.result)

    def _cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()
