"""The live window: dockable panels fed by the engine on a display-rate timer.

The timer only reads the engine's newest published results and draws them; all computing is in
the engine's threads. Errors from the engine are shown in a banner; the window keeps running.

About 550 lines because this is where the window's actions (input, recording, calibration,
settings, library, review) are wired to the engine and the panels; each panel, dialog and use
case lives in a module of its own (`gui/live/panels/`, `app/live/`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from pathlib import Path

from pianoscope.app.enrolment import active_classifier_loader
from pianoscope.app.library.filing import new_take_path
from pianoscope.app.library.take_filer import TakeFiler
from pianoscope.app.live.engine import EngineStats, LiveEngine, LiveSnapshot
from pianoscope.app.live.recovery import find_interrupted_takes, recover_takes
from pianoscope.app.live.session import InputChoice, input_devices, open_source
from pianoscope.app.live.settings import LiveSettings
from pianoscope.app.review.opening import warm_waveform_cache
from pianoscope.audio.recorder import RecordingResult
from pianoscope.errors import PianoscopeError
from pianoscope.gui.library.window import LibraryWindow
from pianoscope.gui.live.calibration_dialog import (
    CALIBRATION_S,
    SCALE_CALIBRATION_S,
    CalibrationDialog,
)
from pianoscope.gui.live.panels.classifier_panel import ClassifierPanel
from pianoscope.gui.live.panels.level_meter import LevelMeter
from pianoscope.gui.live.panels.note_readout import NoteReadout
from pianoscope.gui.live.panels.partials_table import PartialsTable
from pianoscope.gui.live.panels.scope import ScopePanel
from pianoscope.gui.live.panels.score_follow import ScoreFollowPanel
from pianoscope.gui.live.panels.spectrogram import SpectrogramPanel
from pianoscope.gui.live.panels.spectrum import SpectrumPanel
from pianoscope.gui.live.settings_dialog import SettingsDialog
from pianoscope.gui.qt import QtCore, QtGui, QtWidgets
from pianoscope.gui.review.window import AUDIO_FILTER, ReviewWindow, open_review_window
from pianoscope.gui.settings_store import (
    DisplaySettings,
    load_display_settings,
    load_input_choice,
    load_live_settings,
    save,
)
from pianoscope.gui.text_line import TextLine
from pianoscope.library.store import RECORDINGS_FOLDER, Library
from pianoscope.model.calibration import Calibration
from pianoscope.score.loading import Score

log = logging.getLogger(__name__)

DISPLAY_INTERVAL_MS = 16
_WIDEST_STATUS = (
    "48000 Hz   overflows 0000   analysis CPU 100 %   classifier CPU 100 %   "
    "latency p99 00.0 ms   00 fps"
)
_WIDEST_CALIBRATION = "USB Audio Device: calibrated: soft/medium/loud, mf +00.0 dB"
_CALIBRATION_TIP = (
    "The calibration intensity is read through, kept per input and stored with every take.\n"
    "mf notes: your mf playing reads mf. Soft/medium/loud: your piano's level and brightness\n"
    "range map onto pp..ff. Chromatic scale: as mf notes, and each note is read against its\n"
    "own key. Not calibrated: the microphone's level is taken as the training convention's."
)
# Plots redraw at most 30 times a second and text (notes, partials, status bar) 8 times: more
# is wasted on the eye and costs the drawing time that keeps the window responsive. Panels out
# of sight (a closed dock, a tab behind another, a minimised window) are not drawn at all.
PLOT_INTERVAL_S = 1 / 30
TEXT_INTERVAL_S = 1 / 8


class MainWindow(QtWidgets.QMainWindow):
    """Pianoscope's live window."""

    def __init__(
        self,
        *,
        settings: LiveSettings | None = None,
        library: Library | None = None,
        qsettings: QtCore.QSettings | None = None,
    ) -> None:
        """`library` is where takes are filed (default: the user's library folder)."""
        super().__init__()
        self.setWindowTitle("Pianoscope")
        self.resize(1280, 820)
        self.qsettings = qsettings or QtCore.QSettings("Pianoscope", "Pianoscope")
        self.live_settings = settings or load_live_settings(self.qsettings)
        self.display_settings = load_display_settings(self.qsettings)
        self.library = library or Library.open()
        self.recordings_folder = self.library.root / RECORDINGS_FOLDER
        self.take_filer = TakeFiler(self.library)
        self._handled_result: RecordingResult | None = None
        self.engine: LiveEngine | None = None
        self.input_choice = load_input_choice(self.qsettings)
        self.last_recording: Path | None = None
        self.calibration_seconds = CALIBRATION_S
        self.scale_calibration_seconds = SCALE_CALIBRATION_S
        self._frames_drawn = 0
        self._fps = 0.0
        self._fps_window_start = time.monotonic()
        self._last_frame_index = -1
        self._last_drawn_s: dict[str, float] = {}

        self._build_panels()
        self._build_toolbar()
        self._build_review_menu()
        self._build_status_bar()
        restored = self.restoreGeometry(
            self.qsettings.value("window/geometry", QtCore.QByteArray())
        ) and self.restoreState(self.qsettings.value("window/state", QtCore.QByteArray()))
        if not restored:
            QtCore.QTimer.singleShot(0, self._default_dock_sizes)

        self.interrupted_takes = find_interrupted_takes(self.recordings_folder)
        if self.interrupted_takes:
            QtCore.QTimer.singleShot(0, self.offer_recovery)

        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(DISPLAY_INTERVAL_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    # -- layout ----------------------------------------------------------------------------
    def _build_panels(self) -> None:
        self.banner = QtWidgets.QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#f2dede;color:#a94442;padding:6px;")
        self.banner.hide()
        self.spectrum, self.spectrogram = self._scale_panels()
        central = QtWidgets.QWidget()
        self.central_layout = QtWidgets.QVBoxLayout(central)
        self.central_layout.setContentsMargins(0, 0, 0, 0)
        self.central_layout.addWidget(self.banner)
        self.central_layout.addWidget(self.spectrum)
        self.setCentralWidget(central)

        self.level_meter = LevelMeter()
        self.scope = ScopePanel()
        self.note_readout = NoteReadout()
        self.partials_table = PartialsTable()
        self.classifier_panel = ClassifierPanel()
        self.score_follow = ScoreFollowPanel()
        self.score_follow.follow_requested.connect(self._follow_score)
        self.score_follow.stop_requested.connect(lambda: self._follow_score(None))
        self._followed: Score | None = None
        self.docks: dict[str, QtWidgets.QDockWidget] = {}
        left = QtCore.Qt.DockWidgetArea.LeftDockWidgetArea
        right = QtCore.Qt.DockWidgetArea.RightDockWidgetArea
        bottom = QtCore.Qt.DockWidgetArea.BottomDockWidgetArea
        for title, widget, area in (
            ("Level", self.level_meter, left),
            ("Note", self.note_readout, left),
            ("Scope", self.scope, left),
            ("Classifier", self.classifier_panel, right),
            ("Partials", self.partials_table, right),
            ("Spectrogram", self.spectrogram, bottom),
            ("Score", self.score_follow, bottom),
        ):
            dock = QtWidgets.QDockWidget(title, self)
            dock.setObjectName(f"dock-{title.lower()}")
            dock.setWidget(widget)
            self.addDockWidget(area, dock)
            self.docks[title] = dock
        self.tabifyDockWidget(self.docks["Spectrogram"], self.docks["Score"])
        self.docks["Spectrogram"].raise_()
        self.resizeDocks([self.docks["Spectrogram"]], [260], QtCore.Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.docks["Level"], self.docks["Partials"]],
            [300, 380],
            QtCore.Qt.Orientation.Horizontal,
        )

    def _scale_panels(self) -> tuple[SpectrumPanel, SpectrogramPanel]:
        """The two panels whose frequency axis depends on the scale setting."""
        log_scale = self.live_settings.frequency_scale == "log"
        display = self.display_settings
        spectrum = SpectrumPanel(
            log_scale=log_scale, db_range=(display.spectrum_min_db, display.spectrum_max_db)
        )
        spectrogram = SpectrogramPanel(
            log_scale=log_scale,
            db_range=(display.spectrogram_min_db, display.spectrogram_max_db),
            colour_map=display.colour_map,
        )
        return spectrum, spectrogram

    def _default_dock_sizes(self) -> None:
        """First start: a large spectrum, a strip of spectrogram, narrow side panels."""
        vertical, horizontal = QtCore.Qt.Orientation.Vertical, QtCore.Qt.Orientation.Horizontal
        self.resizeDocks([self.docks["Spectrogram"]], [self.height() // 3], vertical)
        self.resizeDocks([self.docks["Level"], self.docks["Partials"]], [300, 420], horizontal)

    def _build_toolbar(self) -> None:
        toolbar = self.addToolBar("Transport")
        toolbar.setObjectName("toolbar-transport")
        self.start_action = QtGui.QAction("Start", self)
        self.start_action.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key.Key_Space))
        self.start_action.setCheckable(True)
        self.start_action.triggered.connect(self._toggle_running)
        self.record_action = QtGui.QAction("Record", self)
        self.record_action.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key.Key_R))
        self.record_action.setCheckable(True)
        self.record_action.triggered.connect(self._toggle_recording)
        self.pause_action = QtGui.QAction("Pause", self)
        self.pause_action.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key.Key_P))
        self.pause_action.setCheckable(True)
        self.pause_action.setEnabled(False)
        self.pause_action.triggered.connect(self._toggle_pause)
        self.demo_action = QtGui.QAction("Demo", self)
        self.demo_action.triggered.connect(self.start_demo)
        toolbar.addAction(self.start_action)
        toolbar.addAction(self.record_action)
        toolbar.addAction(self.pause_action)
        toolbar.addAction(self.demo_action)
        self.calibrate_action = QtGui.QAction("Calibrate level…", self)
        self.calibrate_action.setToolTip("Play a few mf notes: intensity is read relative to them")
        self.calibrate_action.triggered.connect(lambda: self.open_calibration())
        toolbar.addAction(self.calibrate_action)
        self.calibrate_passages_action = QtGui.QAction("Calibrate soft/medium/loud…", self)
        self.calibrate_passages_action.setToolTip(
            "Play a soft, a medium and a loud passage: your piano's level and brightness range "
            "are mapped onto pp..ff"
        )
        self.calibrate_passages_action.triggered.connect(
            lambda: self.open_calibration(passages=True)
        )
        toolbar.addAction(self.calibrate_passages_action)
        self.calibrate_scale_action = QtGui.QAction("Calibrate keys…", self)
        self.calibrate_scale_action.setToolTip(
            "Play a chromatic scale mf: each note's loudness is read against its own key"
        )
        self.calibrate_scale_action.triggered.connect(lambda: self.open_calibration(scale=True))
        toolbar.addAction(self.calibrate_scale_action)
        self.settings_action = QtGui.QAction("Settings…", self)
        self.settings_action.setShortcut(QtGui.QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.open_settings)
        toolbar.addAction(self.settings_action)
        toolbar.addSeparator()
        self.student_edit = QtWidgets.QLineEdit(self.qsettings.value("take/student", ""))
        self.student_edit.setPlaceholderText("student")
        self.piece_edit = QtWidgets.QLineEdit(self.qsettings.value("take/piece", ""))
        self.piece_edit.setPlaceholderText("piece")
        for edit in (self.student_edit, self.piece_edit):
            edit.setMaximumWidth(180)
            toolbar.addWidget(edit)
        self.elapsed_label = TextLine("", widest="  PAUSED 00:00.0")
        toolbar.addWidget(self.elapsed_label)

    def _build_review_menu(self) -> None:
        """Open a saved recording, or the take just recorded, in a review window."""
        self.review_windows: list[ReviewWindow] = []
        menu = self.menuBar().addMenu("&Review")
        self.open_recording_action = menu.addAction("Open recording…")
        self.open_recording_action.triggered.connect(self.open_recording)
        self.review_last_action = menu.addAction("Review last take")
        self.review_last_action.setEnabled(False)
        self.review_last_action.triggered.connect(lambda: self.open_review(self.last_recording))
        self.library_action = menu.addAction("Library…")
        self.library_action.setShortcut(QtGui.QKeySequence("Ctrl+L"))
        self.library_action.triggered.connect(self.open_library)
        self.library_windows: list[LibraryWindow] = []
        self.enrol_action = menu.addAction("Enrol your pianos…")
        self.enrol_action.triggered.connect(self.open_enrolment)

    def open_enrolment(self) -> QtWidgets.QDialog:
        """Teach the classifier the teacher's own pianos (imported here: it needs torch)."""
        from pianoscope.gui.enrolment_dialog import EnrolmentDialog

        dialog = EnrolmentDialog(self)
        dialog.open()
        return dialog

    def open_library(self) -> LibraryWindow:
        """Browse the library: takes, progress over time, comparisons."""
        window = LibraryWindow(self.library, open_review=self.open_review)
        window.show()
        self.library_windows = [w for w in self.library_windows if w.isVisible()] + [window]
        return window

    def open_recording(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(
            self, "Open recording", str(self.recordings_folder), AUDIO_FILTER
        )
        if path:
            self.open_review(Path(path))

    def open_review(self, path: Path | None) -> ReviewWindow:
        window = open_review_window(path, qsettings=self.qsettings)
        self.review_windows = [w for w in self.review_windows if w.isVisible()] + [window]
        return window

    def _build_status_bar(self) -> None:
        self.calibration_label = TextLine("", widest=_WIDEST_CALIBRATION)
        self.calibration_label.setToolTip(_CALIBRATION_TIP)
        self.statusBar().addPermanentWidget(self.calibration_label)
        self.status_label = TextLine("stopped", widest=_WIDEST_STATUS)
        self.statusBar().addPermanentWidget(self.status_label)

    # -- actions ---------------------------------------------------------------------------
    def start_demo(self) -> None:
        """Play the bundled recording as live input."""
        self.start_input(InputChoice.demo())

    def start_input(self, choice: InputChoice) -> None:
        """(Re)start the engine on an input; a failure is shown, not raised."""
        self.stop_input()
        self.input_choice = choice
        engine = LiveEngine(
            open_source(choice),
            self.live_settings,
            load_classifier=active_classifier_loader(),
            analysis_process=True,  # drawing never delays the spectra
        )
        try:
            engine.start()
        except PianoscopeError as error:
            self.show_problem(str(error))
            self.start_action.setChecked(False)
            return
        self.engine = engine
        self._apply_calibration(self.stored_calibration(engine.source.name))
        engine.follow_score(self._followed)
        self.banner.hide()
        self.level_meter.set_device_name(engine.source.name)
        self.start_action.setChecked(True)
        self.start_action.setText("Stop")

    def stop_input(self) -> None:
        engine, self.engine = self.engine, None
        if engine is not None:
            engine.stop()
            self._collect_finished_take(engine.last_result)
        self.calibration_label.setText("")
        self.start_action.setChecked(False)
        self.start_action.setText("Start")
        self.record_action.setChecked(False)

    def start_recording(self) -> None:
        if self.engine is None:
            self.start_input(self.input_choice)
        if self.engine is None:
            self.record_action.setChecked(False)
            return
        student = self.student_edit.text().strip() or None
        piece = self.piece_edit.text().strip() or None
        path = new_take_path(self.library, student, piece)
        try:
            self.engine.start_recording(path, student=student, piece=piece)
        except PianoscopeError as error:
            self.show_problem(str(error))
            self.record_action.setChecked(False)
            return
        self.record_action.setChecked(True)

    def stop_recording(self) -> None:
        if self.engine is not None:
            self.engine.stop_recording()
            self._collect_finished_take(self.engine.last_result)
        self.record_action.setChecked(False)

    def offer_recovery(self) -> QtWidgets.QMessageBox:
        """Ask whether to recover takes that a crash or power cut left unfinished."""
        names = "\n".join(
            f"• {path.relative_to(self.recordings_folder)}" for path in self.interrupted_takes
        )
        box = QtWidgets.QMessageBox(
            QtWidgets.QMessageBox.Icon.Question,
            "Recover interrupted recordings?",
            f"Pianoscope was stopped while recording (a crash or a power cut). These takes "
            f"can be recovered, with everything up to the last second:\n{names}",
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            self,
        )
        box.button(QtWidgets.QMessageBox.StandardButton.Yes).setText("Recover")
        box.button(QtWidgets.QMessageBox.StandardButton.No).setText("Later")
        box.accepted.connect(self.recover_interrupted)
        box.open()
        return box

    def recover_interrupted(self) -> list[Path]:
        """Finish every interrupted take; failures are shown, the others are recovered."""
        recovery = recover_takes(self.interrupted_takes)
        recovered = recovery.paths
        self.interrupted_takes = [path for path in self.interrupted_takes if path not in recovered]
        if recovery.problems:
            self.show_problem(" ".join(recovery.problems))
        for path in recovered:
            self.take_filer.submit(path, None, None)
        if recovered:
            self.last_recording = recovered[-1]
            self.statusBar().showMessage(f"Recovered {len(recovered)} recording(s).", 10_000)
        return recovered

    def open_calibration(
        self, *, passages: bool = False, scale: bool = False
    ) -> CalibrationDialog | None:
        """Listen to a few mf notes (or, with `passages`, a soft, a medium and a loud passage;
        with `scale`, a chromatic scale) and calibrate intensity for this input."""
        if self.engine is None:
            self.start_input(self.input_choice)
        if self.engine is None:
            return None
        seconds = self.scale_calibration_seconds if scale else self.calibration_seconds
        dialog = CalibrationDialog(
            self.engine, self, seconds=seconds, passages=passages, scale=scale
        )
        dialog.accepted.connect(lambda: self._calibrated(dialog.calibration))
        dialog.start()
        dialog.open()
        return dialog

    def _calibrated(self, calibration: Calibration | None) -> None:
        if calibration is None or self.engine is None:
            return
        self._apply_calibration(calibration)
        self.qsettings.setValue(
            _calibration_key(self.engine.source.name), json.dumps(calibration.to_json())
        )
        how = {"passages": "three passages", "scale": "a chromatic scale"}.get(
            calibration.kind, "mf notes"
        )
        self.statusBar().showMessage(
            f"Calibrated {self.engine.source.name} from {how}: its mf level is "
            f"{calibration.offset_db:+.1f} dB from the reference.",
            10_000,
        )

    def _apply_calibration(self, calibration: Calibration) -> None:
        """Put `calibration` in force for the running input and say so in the status bar."""
        self.engine.set_calibration(calibration)
        self.calibration_label.setText(f"{self.engine.source.name}: {calibration.describe()}")

    def stored_calibration(self, input_name: str) -> Calibration:
        """The calibration saved for an input (its JSON, or the mf offset older versions kept),
        or none (the training level convention)."""
        value = self.qsettings.value(_calibration_key(input_name), None)
        try:
            if isinstance(value, str) and value.lstrip().startswith("{"):
                return Calibration.from_json(json.loads(value))
            return Calibration(float(value)) if value is not None else Calibration()
        except (TypeError, ValueError):
            return Calibration()

    def open_settings(self) -> None:
        """Show the settings dialog and apply what the user chose."""
        try:
            devices = input_devices()
        except PianoscopeError as error:
            self.show_problem(str(error))
            devices = []
        dialog = SettingsDialog(
            self.live_settings, self.display_settings, self.input_choice, devices, self
        )
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.apply_settings(*dialog.result_settings())

    def apply_settings(
        self, live: LiveSettings, display: DisplaySettings, choice: InputChoice
    ) -> None:
        """Use and remember new settings; the input restarts only if it changed."""
        rebuild = (live.frequency_scale, display) != (
            self.live_settings.frequency_scale,
            self.display_settings,
        )
        self.live_settings, self.display_settings = live, display
        save(self.qsettings, "live", live)
        save(self.qsettings, "display", display)
        save(self.qsettings, "input", dataclasses.replace(choice, file=None))
        if rebuild:
            self._rebuild_scale_panels()
        if self.engine is not None:
            self.engine.apply_settings(live)
        if choice != self.input_choice:
            running = self.engine is not None and self.input_choice.file is None
            self.input_choice = choice
            if running:
                self.start_input(choice)

    def _rebuild_scale_panels(self) -> None:
        old_spectrum, old_spectrogram = self.spectrum, self.spectrogram
        self.spectrum, self.spectrogram = self._scale_panels()
        self.central_layout.replaceWidget(old_spectrum, self.spectrum)
        self.docks["Spectrogram"].setWidget(self.spectrogram)
        old_spectrum.deleteLater()
        old_spectrogram.deleteLater()

    def show_problem(self, message: str) -> None:
        self.banner.setText(message)
        self.banner.show()
        log.warning("%s", message)

    def _toggle_running(self, checked: bool) -> None:
        if checked:
            self.start_input(self.input_choice)
        else:
            self.stop_input()

    def _toggle_recording(self, checked: bool) -> None:
        if checked:
            self.start_recording()
        else:
            self.stop_recording()

    def _toggle_pause(self, checked: bool) -> None:
        if self.engine is not None:
            self.engine.set_recording_paused(checked)

    def _collect_finished_take(self, result: RecordingResult | None) -> None:
        """Handle the engine's newest finished take once, however it ended."""
        if result is None or result is self._handled_result:
            return
        self._handled_result = result
        if result.path is not None:
            self._recording_finished(result.path)

    def _recording_finished(self, path: Path) -> None:
        """A take is on disk: file it in the library (in the background) and offer review."""
        metadata_student = self.student_edit.text().strip() or None
        metadata_piece = self.piece_edit.text().strip() or None
        self.take_filer.submit(path, metadata_student, metadata_piece)
        self.last_recording = path
        self.review_last_action.setEnabled(True)
        warm_waveform_cache(path)
        self.statusBar().showMessage(f"Saved {path}", 10_000)

    # -- display ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Timer tick: draw the newest results; never computes, never waits.

        The timer runs at ~60 Hz (its rate, in the status bar, shows how responsive the window
        is); the engine is read and everything is drawn on one tick at most 30 times a second,
        because each tick that changes anything costs a repaint of the window.
        """
        if self.engine is None:
            return
        self._count_frame()
        now_s = time.monotonic()
        if not self._due("plots", now_s, PLOT_INTERVAL_S):
            return
        snapshot = self.engine.snapshot()
        if snapshot.problem and self.banner.text() != snapshot.problem:
            self.show_problem(snapshot.problem)
            if not snapshot.recording:
                self.record_action.setChecked(False)
        self._collect_finished_take(snapshot.last_take)
        for problem in self.take_filer.take_problems():
            self.show_problem(problem)
        frame = snapshot.frame
        drawing = not self.isMinimized()
        if drawing and frame is not None and frame.end_index != self._last_frame_index:
            self._last_frame_index = frame.end_index
            for panel in (self.spectrum, self.scope, self.level_meter):
                if panel.isVisible():  # a closed dock, or a tab behind another
                    panel.show_frame(frame)
            if snapshot.spectrogram is not None and self.spectrogram.isVisible():
                self.spectrogram.show_spectrogram(snapshot.spectrogram)
            if self._due("text", now_s, TEXT_INTERVAL_S):
                for panel in (self.note_readout, self.partials_table):
                    if panel.isVisible():
                        panel.show_frame(frame)
        self._show_classifier(snapshot)
        if self._due("status", now_s, TEXT_INTERVAL_S):
            self._show_status(snapshot.stats)
            if self.score_follow.isVisible():
                self.score_follow.show_follow(snapshot.follow)

    def _follow_score(self, score: Score | None) -> None:
        """Follow `score` in the input (now, and from every next Start); None stops."""
        self._followed = score
        if self.engine is not None:
            self.engine.follow_score(score)

    def _due(self, what: str, now_s: float, interval_s: float) -> bool:
        """True at most once per `interval_s` for each kind of panel."""
        if now_s - self._last_drawn_s.get(what, 0.0) < interval_s:
            return False
        self._last_drawn_s[what] = now_s
        return True

    def _show_classifier(self, snapshot: LiveSnapshot) -> None:
        if not snapshot.classifier_running:
            return
        if snapshot.classifier_problem:
            self.classifier_panel.show_problem(snapshot.classifier_problem)
            return
        latest = snapshot.prediction
        if (
            latest is not None
            and self.classifier_panel.isVisible()
            and not self.classifier_panel.is_showing(latest)
        ):
            self.classifier_panel.show_prediction(latest, snapshot.predictions)

    def _count_frame(self) -> None:
        self._frames_drawn += 1
        elapsed = time.monotonic() - self._fps_window_start
        if elapsed >= 1.0:
            self._fps = self._frames_drawn / elapsed
            self._frames_drawn = 0
            self._fps_window_start = time.monotonic()

    @property
    def display_fps(self) -> float:
        return self._fps

    def _show_status(self, stats: EngineStats) -> None:
        self.status_label.setText(
            f"{stats.sample_rate_hz} Hz   overflows {stats.overflow_count}   "
            f"analysis CPU {stats.analysis_load * 100:.0f} %   "
            f"classifier CPU {stats.classifier_load * 100:.0f} %   "
            f"latency p99 {stats.latency_p99_ms:.1f} ms   {self._fps:.0f} fps"
        )
        recording = stats.recording_s is not None
        self.pause_action.setEnabled(recording)
        if not recording:
            self.pause_action.setChecked(False)
            self.record_action.setChecked(False)
            self.elapsed_label.setText("")
            return
        minutes, seconds = divmod(stats.recording_s, 60)
        state = "PAUSED" if stats.recording_paused else "● REC"
        self.elapsed_label.setText(f"  {state} {int(minutes):02d}:{seconds:04.1f}")

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self.stop_input()
        self.qsettings.setValue("window/state", self.saveState())
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("take/student", self.student_edit.text())
        self.qsettings.setValue("take/piece", self.piece_edit.text())
        super().closeEvent(event)


def _calibration_key(input_name: str) -> str:
    return "calibration/" + input_name.replace("/", "_")
