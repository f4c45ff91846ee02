"""Enrol the teacher's own pianos: name them, pick recordings, fine-tune, then choose.

One piano is enough: Pianoscope then tells it from any other piano. Two to eight are told
apart from each other.

Fine-tuning runs in a BackgroundJob polled by a Qt timer, so the window stays responsive and
Cancel stops it between steps. Nothing changes for the live view until the teacher, having
seen the validation accuracy, chooses "Use these names from now on".
"""

from __future__ import annotations

import logging
from pathlib import Path

from pianoscope.app.background import BackgroundJob
from pianoscope.app.enrolment import (
    EnrolmentResult,
    PianoRecordings,
    enrol_pianos,
    use_enrolment,
)
from pianoscope.errors import PianoscopeError
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.model.enrolment import MAX_PIANOS, MIN_PIANOS

log = logging.getLogger(__name__)

AUDIO_FILTER = "Recordings (*.flac *.wav *.ogg *.aiff *.aif *.mp3);;All files (*)"
POLL_MS = 100


class _PianoRow:
    """One piano: its name and the recordings chosen for it."""

    def __init__(self, dialog: EnrolmentDialog, grid: QtWidgets.QGridLayout, row: int) -> None:
        self.paths: tuple[Path, ...] = ()
        self.name_edit = QtWidgets.QLineEdit()
        self.name_edit.setPlaceholderText(f"piano {row + 1}, e.g. Studio upright")
        self.files_label = QtWidgets.QLabel("no recordings")
        self.choose_button = QtWidgets.QPushButton("Recordings…")
        self.choose_button.clicked.connect(lambda: dialog.choose_recordings(row))
        grid.addWidget(self.name_edit, row, 0)
        grid.addWidget(self.files_label, row, 1)
        grid.addWidget(self.choose_button, row, 2)

    def set_paths(self, paths: tuple[Path, ...]) -> None:
        self.paths = paths
        names = ", ".join(path.name for path in paths[:3]) + (" …" if len(paths) > 3 else "")
        self.files_label.setText(names or "no recordings")


class EnrolmentDialog(QtWidgets.QDialog):
    """Names one to eight pianos, fine-tunes on their recordings and offers the result.

    `folder` is where the enrolment is saved and chosen (default: the user data folder).
    `result` holds the finished enrolment; `job` the running or last fine-tuning.
    """

    def __init__(
        self, parent: QtWidgets.QWidget | None = None, *, folder: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enrol your pianos")
        self.folder = folder
        self.job: BackgroundJob[EnrolmentResult] | None = None
        self.result: EnrolmentResult | None = None
        self.rows: list[_PianoRow] = []

        intro = QtWidgets.QLabel(
            "Record one to two minutes of varied playing on each of your pianos (or pick "
            "recordings of them) and give each piano a name. With one piano, Pianoscope "
            'then tells it from any other piano ("another piano"); with two to eight, it '
            "learns to tell them apart. The shipped model stays available."
        )
        intro.setWordWrap(True)
        self._grid = QtWidgets.QGridLayout()
        self.add_button = QtWidgets.QPushButton("Add piano")
        self.add_button.clicked.connect(self.add_piano)
        self.enrol_button = QtWidgets.QPushButton("Enrol")
        self.enrol_button.clicked.connect(self.start)
        # Leaving without enrolling (it cancels a fine-tuning still running): only the title
        # bar's X did that before.
        self.close_button = QtWidgets.QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        self.progress = QtWidgets.QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.message = QtWidgets.QLabel("")
        self.message.setWordWrap(True)
        self.use_button = QtWidgets.QPushButton("Use these names from now on")
        self.use_button.clicked.connect(self.use_new_names)
        self.keep_button = QtWidgets.QPushButton("Keep the shipped model")
        self.keep_button.clicked.connect(self.keep_shipped_model)
        for button in (self.use_button, self.keep_button):
            button.hide()

        actions = QtWidgets.QHBoxLayout()
        actions.addWidget(self.add_button)
        actions.addStretch(1)
        actions.addWidget(self.close_button)
        actions.addWidget(self.enrol_button)
        running = QtWidgets.QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        choice = QtWidgets.QHBoxLayout()
        choice.addStretch(1)
        choice.addWidget(self.keep_button)
        choice.addWidget(self.use_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self._grid)
        layout.addLayout(actions)
        layout.addLayout(running)
        layout.addWidget(self.message)
        layout.addLayout(choice)
        for _ in range(MIN_PIANOS):
            self.add_piano()
        self._poll = QtCore.QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_job)

    # -- the pianos ----------------------------------------------------------------------
    def add_piano(self) -> None:
        if len(self.rows) < MAX_PIANOS:
            self.rows.append(_PianoRow(self, self._grid, len(self.rows)))
        self.add_button.setEnabled(len(self.rows) < MAX_PIANOS)

    def set_piano(self, index: int, name: str, paths: list[Path]) -> None:
        """Name piano `index` and give its recordings (what the file dialog does, for tests)."""
        while len(self.rows) <= index:
            self.add_piano()
        self.rows[index].name_edit.setText(name)
        self.rows[index].set_paths(tuple(Path(path) for path in paths))

    def choose_recordings(self, index: int) -> None:
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(
            self, "Recordings of this piano", "", AUDIO_FILTER
        )
        if paths:
            self.rows[index].set_paths(tuple(Path(path) for path in paths))

    def pianos(self) -> list[PianoRecordings]:
        """The named pianos; rows left entirely empty are ignored."""
        return [
            PianoRecordings(row.name_edit.text(), row.paths)
            for row in self.rows
            if row.name_edit.text().strip() or row.paths
        ]

    # -- fine-tuning ---------------------------------------------------------------------
    def start(self) -> BackgroundJob[EnrolmentResult] | None:
        """Fine-tune in the background; returns the job, or None if it is already running."""
        if self.job is not None and not self.job.done:
            return None
        pianos, folder = self.pianos(), self.folder
        self.result = None
        self.job = BackgroundJob(
            "Enrolling the pianos",
            lambda progress, cancel: enrol_pianos(pianos, folder, progress=progress, cancel=cancel),
        ).start()
        self._set_running(True)
        self.message.setText("Learning your pianos…")
        self._poll.start()
        return self.job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    @property
    def busy(self) -> bool:
        """Fine-tuning runs, or its outcome is not yet shown."""
        return self._poll.isActive()

    def _poll_job(self) -> None:
        job = self.job
        if job is None:
            return
        self.progress.setValue(round(100 * job.progress))
        if not job.done:
            return
        self._poll.stop()
        self._set_running(False)
        if job.error:
            self.message.setText(job.error)
        elif job.cancelled or job.result is None:
            self.message.setText("Enrolment cancelled; nothing was changed.")
        else:
            self._show_result(job.result)

    def _show_result(self, result: EnrolmentResult) -> None:
        self.result = result
        self.message.setText(
            f"{', '.join(result.names)}: {result.summary()} Use these names in the live view "
            "from its next Start on, or keep the shipped model?"
        )
        self.use_button.show()
        self.keep_button.show()

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)
        self.enrol_button.setEnabled(not running)
        self.add_button.setEnabled(not running and len(self.rows) < MAX_PIANOS)
        if running:
            self.progress.setValue(0)
            self.use_button.hide()
            self.keep_button.hide()

    # -- the choice ----------------------------------------------------------------------
    def use_new_names(self) -> None:
        if self.result is None:
            return
        try:
            use_enrolment(self.result.path, self.folder)
        except PianoscopeError as error:
            self.message.setText(str(error))
            return
        self.accept()

    def keep_shipped_model(self) -> None:
        use_enrolment(None, self.folder)
        self.accept()

    def reject(self) -> None:
        self.cancel()
        super().reject()
