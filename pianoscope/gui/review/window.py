"""The review window: one recording on a shared, zoomable time axis.

Opening shows the window at once; the waveform pyramid and then the analysis run on
`BackgroundJob` threads and a timer polls them, draws what is ready and moves the playback
cursor. Spectra for a clicked moment and the spectrogram of the visible span come from
`LatestRequestWorker`s, so dragging never blocks the GUI thread.

Over 500 lines because it wires eight views, five background workers, playback and export on
one time axis; the views are in `gui/review/` and the work in `app/review/`. Splitting the
wiring (toolbar and menus, playback, export) into modules of their own is the next step.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from pianoscope.analysis.result import Analysis
from pianoscope.app.background import BackgroundJob, LatestRequestWorker
from pianoscope.app.export import export_analysis
from pianoscope.app.library.scores import stored_score_of_take
from pianoscope.app.review.comments import TakeComments, open_comments, set_aside_notice
from pianoscope.app.review.lesson_report import lesson_report
from pianoscope.app.review.opening import (
    LabellerFactory,
    ReviewedRecording,
    analysis_job,
    open_recording,
    pyramid_job,
)
from pianoscope.app.review.playback import MIN_SPEED, Player
from pianoscope.app.review.readout import readout_at
from pianoscope.app.review.spectrum import (
    SpectrogramRequest,
    frame_at,
    samples_between,
    spectrogram_region,
)
from pianoscope.app.review.waveform_cache import default_cache_folder
from pianoscope.app.review.waveform_pyramid import WaveformPyramid
from pianoscope.app.segment_labeller import user_labeller
from pianoscope.dsp.pitch import hz_to_midi
from pianoscope.errors import PianoscopeError
from pianoscope.gui.qt import QtCore, QtGui, QtWidgets
from pianoscope.gui.review.classifier_timeline import ClassifierTimeline
from pianoscope.gui.review.comments_panel import CommentsPanel
from pianoscope.gui.review.export_views import export_plot
from pianoscope.gui.review.loudness_view import LoudnessPlot
from pianoscope.gui.review.moment_panel import MomentPanel
from pianoscope.gui.review.piano_roll import PianoRoll, note_text
from pianoscope.gui.review.report_pdf import write_report_pdf
from pianoscope.gui.review.score_panel import ScorePanel
from pianoscope.gui.review.spectrogram_view import (
    COLOUR_MAPS,
    FFT_SIZES,
    SpectrogramPlot,
    SpectrogramSettings,
)
from pianoscope.gui.review.time_plot import TimePlot
from pianoscope.gui.review.waveform import OverviewPlot, WaveformPlot
from pianoscope.gui.settings_store import load, save

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 30
SPECTROGRAM_DELAY_MS = 120
INITIAL_VIEW_S = 120.0
MIN_VIEW_S = 0.05
MOMENT_FFT_SIZE = 8192
MAX_RECENT = 8
SPECTROGRAM_GROUP = "review-spectrogram"
CLOSE_WAIT_S = 5.0
SPEEDS = (1.0, 0.9, 0.75, 0.6, 0.5)
AUDIO_FILTER = "Recordings (*.flac *.wav *.ogg *.aiff *.aif);;All files (*)"

PlayerFactory = Callable[[Path], Player]
# Marks "use the user's cache folder" (None switches the waveform cache off).
DEFAULT_CACHE = Path("<default waveform cache>")


class ReviewWindow(QtWidgets.QMainWindow):
    """Review one recording at a time; `open_recording` replaces what is shown."""

    def __init__(
        self,
        *,
        qsettings: QtCore.QSettings | None = None,
        labeller_factory: LabellerFactory = user_labeller,
        player_factory: PlayerFactory = Player,
        waveform_cache: Path | None = DEFAULT_CACHE,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Pianoscope – review")
        self.resize(1440, 900)
        self.setAcceptDrops(True)
        self.qsettings = qsettings or QtCore.QSettings("Pianoscope", "Pianoscope")
        self._labeller_factory = labeller_factory
        self._player_factory = player_factory
        self._waveform_cache = (
            default_cache_folder() if waveform_cache is DEFAULT_CACHE else waveform_cache
        )
        self.recording: ReviewedRecording | None = None
        self.pyramid: WaveformPyramid | None = None
        self.analysis: Analysis | None = None
        self.player: Player | None = None
        self.comment_store: TakeComments | None = None
        self.cursor_s = 0.0
        self.overview_ready_s: float | None = None
        self._opened_at = 0.0
        self._pyramid_job: BackgroundJob[WaveformPyramid] | None = None
        self._analysis_job: BackgroundJob[Analysis] | None = None
        self._shown_moment = -1
        self._shown_spectrogram: SpectrogramRequest | None = None
        self.spectrum_worker: LatestRequestWorker | None = None
        self.spectrogram_worker: LatestRequestWorker | None = None
        self.samples_worker: LatestRequestWorker | None = None
        self._shown_samples: tuple[float, float] | None = None
        self._problems: list[str] = []  # what the banner says about the shown recording

        self._build_views()
        self._build_docks()
        self._build_status_bar()
        self._build_toolbar()
        self._build_menus()
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(POLL_INTERVAL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self._spectrogram_timer = QtCore.QTimer(self)
        self._spectrogram_timer.setSingleShot(True)
        self._spectrogram_timer.setInterval(SPECTROGRAM_DELAY_MS)
        self._spectrogram_timer.timeout.connect(self._request_spectrogram)

    # -- layout ----------------------------------------------------------------------------
    def _build_views(self) -> None:
        self.banner = QtWidgets.QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background:#f2dede;color:#a94442;padding:6px;")
        self.banner.hide()
        self.overview = OverviewPlot()
        self.waveform = WaveformPlot()
        self.spectrogram = SpectrogramPlot(
            load(self.qsettings, SPECTROGRAM_GROUP, SpectrogramSettings())
        )
        self.loudness = LoudnessPlot()
        self.classifier = ClassifierTimeline()
        self.piano_roll = PianoRoll()
        self.timeline: tuple[TimePlot, ...] = (
            self.waveform,
            self.spectrogram,
            self.loudness,
            self.classifier,
            self.piano_roll,
        )
        self.views: dict[str, QtWidgets.QWidget] = {"overview": self.overview}
        self.views.update({plot.objectName(): plot for plot in self.timeline})
        splitter = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        for plot, stretch in zip(self.timeline, (2, 3, 2, 1, 3), strict=True):
            splitter.addWidget(plot)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
            if plot is not self.waveform:
                plot.setXLink(self.waveform)
            plot.time_picked.connect(self.select_time)
            plot.time_hovered.connect(self.show_readout)
            if plot is not self.piano_roll:
                plot.getAxis("bottom").setStyle(showValues=False)
        self.piano_roll.setLabel("bottom", "time", units="s")
        self.piano_roll.note_picked.connect(self._note_picked)
        self.waveform.sigXRangeChanged.connect(self._view_changed)
        self.waveform.detail_wanted.connect(self._request_samples)
        self.overview.region_moved.connect(self._overview_moved)
        central = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.overview)
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)

    def _build_docks(self) -> None:
        self.moment = MomentPanel()
        self.comments = CommentsPanel()
        self.comments.changed.connect(self._comments_changed)
        self.comments.time_picked.connect(self.select_time)
        self.comments.problem.connect(self.show_problem)
        self.score = ScorePanel()
        self.score.problem.connect(self.show_problem)
        right = QtCore.Qt.DockWidgetArea.RightDockWidgetArea
        self.docks: dict[str, QtWidgets.QDockWidget] = {}
        docked = (("Moment", self.moment), ("Comments", self.comments), ("Score", self.score))
        for title, widget in docked:
            dock = QtWidgets.QDockWidget(title, self)
            dock.setObjectName(f"review-dock-{title.lower()}")
            dock.setWidget(widget)
            self.addDockWidget(right, dock)
            self.docks[title] = dock
        self.tabifyDockWidget(self.docks["Comments"], self.docks["Score"])
        self.docks["Comments"].raise_()
        self.resizeDocks([self.docks["Moment"]], [440], QtCore.Qt.Orientation.Horizontal)

    def _build_status_bar(self) -> None:
        self.readout_label = QtWidgets.QLabel("")
        self.statusBar().addWidget(self.readout_label, 1)
        self.progress_label = QtWidgets.QLabel("")
        self.progress_bar = QtWidgets.QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.setMaximumWidth(240)
        self.cancel_button = QtWidgets.QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_analysis)
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            self.statusBar().addPermanentWidget(widget)
        self._show_progress(None)

    def _build_toolbar(self) -> None:
        bar = self.addToolBar("Playback")
        bar.setObjectName("review-toolbar")
        self.play_action = QtGui.QAction("Play", self)
        self.play_action.setCheckable(True)
        self.play_action.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key.Key_Space))
        self.play_action.triggered.connect(self._toggle_play)
        self.loop_action = QtGui.QAction("Loop selection", self)
        self.loop_action.setCheckable(True)
        self.loop_action.setShortcut(QtGui.QKeySequence(QtCore.Qt.Key.Key_L))
        self.loop_action.triggered.connect(self._toggle_loop)
        self.speed_combo = QtWidgets.QComboBox()
        for speed in SPEEDS:
            self.speed_combo.addItem(f"{speed:g}×", speed)
        self.speed_combo.currentIndexChanged.connect(self._speed_changed)
        bar.addAction(self.play_action)
        bar.addAction(self.loop_action)
        bar.addWidget(QtWidgets.QLabel(" speed "))
        bar.addWidget(self.speed_combo)
        bar.addSeparator()
        settings = self.spectrogram.settings
        self.fft_combo = QtWidgets.QComboBox()
        for size in FFT_SIZES:
            self.fft_combo.addItem(f"FFT {size}", size)
        self.fft_combo.setCurrentIndex(FFT_SIZES.index(settings.fft_size))
        self.colour_combo = QtWidgets.QComboBox()
        self.colour_combo.addItems(COLOUR_MAPS)
        self.colour_combo.setCurrentText(settings.colour_map)
        self.min_db_spin = _db_spin(settings.min_db)
        self.max_db_spin = _db_spin(settings.max_db)
        self.log_check = QtWidgets.QCheckBox("log frequency")
        self.log_check.setChecked(settings.log_frequency)
        bar.addWidget(QtWidgets.QLabel(" spectrogram "))
        for widget in (self.fft_combo, self.colour_combo):
            bar.addWidget(widget)
        bar.addWidget(QtWidgets.QLabel(" dB "))
        bar.addWidget(self.min_db_spin)
        bar.addWidget(QtWidgets.QLabel("…"))
        bar.addWidget(self.max_db_spin)
        bar.addWidget(self.log_check)
        self.fft_combo.currentIndexChanged.connect(self._spectrogram_settings_changed)
        self.colour_combo.currentIndexChanged.connect(self._spectrogram_settings_changed)
        self.min_db_spin.valueChanged.connect(self._spectrogram_settings_changed)
        self.max_db_spin.valueChanged.connect(self._spectrogram_settings_changed)
        self.log_check.toggled.connect(self._spectrogram_settings_changed)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        open_action = file_menu.addAction("&Open recording…")
        open_action.setShortcut(QtGui.QKeySequence.StandardKey.Open)
        open_action.triggered.connect(self._ask_open)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self._rebuild_recent_menu()
        file_menu.addSeparator()
        self.report_action = file_menu.addAction("Lesson &report (PDF)…")
        self.report_action.setShortcut(QtGui.QKeySequence.StandardKey.Print)
        self.report_action.triggered.connect(self._ask_report)
        export_menu = file_menu.addMenu("&Export")
        self.export_actions: dict[str, QtGui.QAction] = {}
        for kind, title in (("csv", "Notes as CSV…"), ("json", "Analysis as JSON…")):
            action = export_menu.addAction(title)
            action.triggered.connect(lambda _=False, k=kind: self._ask_export_analysis(k))
            self.export_actions[kind] = action
        action = export_menu.addAction("Notes as MIDI…")
        action.triggered.connect(lambda: self._ask_export_analysis("midi"))
        self.export_actions["midi"] = action
        export_menu.addSeparator()
        for name in self.views:
            action = export_menu.addAction(f"View “{name}” as PNG or SVG…")
            action.triggered.connect(lambda _=False, n=name: self._ask_export_view(n))
        for action in (self.report_action, *self.export_actions.values()):
            action.setEnabled(False)
        file_menu.addSeparator()
        close_action = file_menu.addAction("&Close")
        close_action.setShortcut(QtGui.QKeySequence.StandardKey.Close)
        close_action.triggered.connect(self.close)

    # -- opening ---------------------------------------------------------------------------
    def open_recording(self, path: str | Path) -> bool:
        """Show a recording; a file that cannot be opened is explained in the banner."""
        try:
            recording = open_recording(path)
            store = open_comments(recording.path)
        except PianoscopeError as error:
            self.show_problem(str(error))
            return False
        self._close_recording()
        self._problems = []
        self.banner.hide()
        if (notice := set_aside_notice(store)) is not None:
            self.show_problem(notice)
        self._opened_at = time.monotonic()
        self.recording = recording
        self.comment_store = store
        self.comments.set_store(store)
        self.score.set_take(recording.path, self._stored_score_of(recording.path))
        self.setWindowTitle(f"Pianoscope – review – {recording.title}")
        self._remember_recent(recording.path)
        # A take shorter than the narrowest view (one sample, say) still gets a consistent
        # range: limits narrower than minXRange make the view box re-range forever.
        duration_s = max(recording.duration_s, MIN_VIEW_S)
        view_box = self.waveform.plotItem.vb
        view_box.setLimits(xMin=0.0, xMax=duration_s, minXRange=MIN_VIEW_S)
        self.waveform.setXRange(0.0, min(duration_s, INITIAL_VIEW_S), padding=0)
        self.spectrum_worker = LatestRequestWorker(
            "moment spectrum",
            lambda t: frame_at(recording.path, recording.info.sample_rate_hz, t, MOMENT_FFT_SIZE),
        )
        rate = recording.info.sample_rate_hz
        self.samples_worker = LatestRequestWorker(
            "waveform samples",
            lambda span: samples_between(recording.path, rate, *span),
        )
        self.spectrogram_worker = LatestRequestWorker(
            "spectrogram",
            lambda request: spectrogram_region(
                recording.path, recording.info.sample_rate_hz, request
            ),
        )
        self._pyramid_job = pyramid_job(recording, self._waveform_cache).start()
        self._show_progress("Reading the waveform…")
        self._comments_changed()
        return True

    def _stored_score_of(self, take: Path):
        """The library's score for the take's piece; a library that cannot be read costs only
        the offer (any score file can still be chosen)."""
        try:
            return stored_score_of_take(take)
        except PianoscopeError as error:
            log.warning("no stored score for %s: %s", take.name, error)
            return None

    def _close_recording(self, *, wait_s: float = 0.0) -> None:
        """Stop everything about the shown recording; `wait_s` lets cancelled jobs end (on
        closing, so that no thread is cut off half-way through loading the classifier)."""
        if self.player is not None:
            self.player.stop()
        self.player = None
        self.score.set_take(None)
        for job in (self._pyramid_job, self._analysis_job):
            if job is not None:
                job.cancel()
                job.wait(wait_s)
        for worker in (self.spectrum_worker, self.spectrogram_worker, self.samples_worker):
            if worker is not None:
                worker.stop()
        self._pyramid_job = self._analysis_job = None
        self.spectrum_worker = self.spectrogram_worker = self.samples_worker = None
        self._shown_samples = None
        self.pyramid = self.analysis = None
        self.overview_ready_s = None
        self._shown_moment = -1
        self._shown_spectrogram = None
        self.play_action.setChecked(False)
        self.loop_action.setChecked(False)
        self.waveform.loop_region.hide()
        for action in (self.report_action, *self.export_actions.values()):
            action.setEnabled(False)

    def cancel_analysis(self) -> None:
        """Stop the analysis; the waveform, spectra, playback and comments stay usable."""
        if self._analysis_job is not None and not self._analysis_job.done:
            self._analysis_job.cancel()
            self.statusBar().showMessage("Analysis cancelled.", 10_000)

    # -- polling ---------------------------------------------------------------------------
    def poll(self) -> None:
        """Timer tick: take finished results from the workers and draw them; never computes."""
        self._poll_jobs()
        self._poll_moment()
        self._poll_spectrogram()
        self._poll_samples()
        self._poll_player()

    def _poll_jobs(self) -> None:
        job = self._pyramid_job
        if job is not None:
            if not job.done:
                self.progress_bar.setValue(round(1000 * job.progress))
                return
            self._pyramid_job = None
            if job.result is None:
                self.show_problem(job.error or "Reading the waveform was cancelled.")
                self._show_progress(None)
                return
            self._show_pyramid(job.result)
            assert self.recording is not None
            self._analysis_job = analysis_job(self.recording, self._labeller_factory).start()
            self._show_progress("Analysing…")
        job = self._analysis_job
        if job is None:
            return
        if not job.done:
            self.progress_bar.setValue(round(1000 * job.progress))
            return
        self._analysis_job = None
        self._show_progress(None)
        if job.result is not None:
            self._show_analysis(job.result)
        elif job.error:
            self.show_problem(job.error)

    def _show_pyramid(self, pyramid: WaveformPyramid) -> None:
        self.pyramid = pyramid
        if pyramid.damage:
            self.show_problem(pyramid.damage)
        self.overview.show_pyramid(pyramid)
        self.overview.show_visible(*self.waveform.visible_range_s())
        self.waveform.show_pyramid(pyramid)
        self._spectrogram_timer.start()
        self.overview.viewport().repaint()
        self.overview_ready_s = time.monotonic() - self._opened_at
        log.info("overview drawn %.2f s after opening", self.overview_ready_s)

    def _show_analysis(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self.loudness.show_analysis(analysis)
        self.classifier.show_analysis(analysis)
        self.piano_roll.show_analysis(analysis)
        for action in (self.report_action, *self.export_actions.values()):
            action.setEnabled(True)
        labelled = sum(s.labels is not None for s in analysis.segments)
        self.statusBar().showMessage(
            f"{len(analysis.notes)} notes, dynamic range {analysis.dynamic_range_db:.1f} dB, "
            f"{labelled} of {len(analysis.segments)} segments classified",
            15_000,
        )

    def _poll_moment(self) -> None:
        worker = self.spectrum_worker
        if worker is None or worker.completed == self._shown_moment:
            return
        self._shown_moment = worker.completed
        if worker.error:
            self.statusBar().showMessage(worker.error, 10_000)
        if worker.latest is not None:
            self.moment.show_frame(worker.latest[1], MOMENT_FFT_SIZE)
            self._show_note_info()

    def _poll_spectrogram(self) -> None:
        worker = self.spectrogram_worker
        if worker is None or worker.latest is None:
            return
        request, image = worker.latest
        if request != self._shown_spectrogram:
            self._shown_spectrogram = request
            self.spectrogram.show_image(image)

    def _poll_samples(self) -> None:
        worker = self.samples_worker
        if worker is None or worker.latest is None or worker.latest[0] == self._shown_samples:
            return
        span, samples = worker.latest
        self._shown_samples = span
        self.waveform.show_samples(span[0], samples)

    def _request_samples(self, start_s: float, end_s: float) -> None:
        if self.samples_worker is not None:
            self._shown_samples = None
            self.samples_worker.request((max(0.0, start_s), end_s))

    def _poll_player(self) -> None:
        player = self.player
        if player is None or not player.playing:
            return
        position_s = player.position_s
        for plot in self.timeline:
            plot.set_play_position(position_s)
        start_s, end_s = self.waveform.visible_range_s()
        if not start_s <= position_s <= end_s:
            self.waveform.setXRange(position_s, position_s + (end_s - start_s), padding=0)
        if player.finished:
            player.stop()
            self.play_action.setChecked(False)
            self.play_action.setText("Play")

    # -- moment ----------------------------------------------------------------------------
    def select_time(self, time_s: float) -> None:
        """Move the moment cursor: every view marks it and the side panel analyses it."""
        if self.recording is None:
            return
        time_s = min(max(time_s, 0.0), self.recording.duration_s)
        self.cursor_s = time_s
        self.comments.current_time_s = time_s
        for plot in self.timeline:
            plot.set_cursor(time_s)
        if self.spectrum_worker is not None:
            self.spectrum_worker.request(time_s)
        if self.player is not None and not self.player.playing:
            self.player.seek(time_s)

    def show_readout(self, time_s: float) -> None:
        """What the analysis says under the mouse (a crosshair readout along the timeline)."""
        self.readout_label.setText(readout_at(self.analysis, time_s))

    def _note_picked(self, note) -> None:
        self.moment.note_info.setText(note_text(note))

    def _show_note_info(self) -> None:
        note, frame = self.piano_roll.picked, self.moment.frame
        if note is None or frame is None or frame.pitch is None:
            return
        if round(hz_to_midi(frame.pitch.f0_hz)) == note.midi:
            self.moment.note_info.setText(
                f"{note_text(note)}  measured {frame.pitch.cents:+.1f} cents"
            )

    # -- view ------------------------------------------------------------------------------
    def _view_changed(self) -> None:
        start_s, end_s = self.waveform.visible_range_s()
        self.overview.show_visible(start_s, end_s)
        self._spectrogram_timer.start()

    def _overview_moved(self, start_s: float, end_s: float) -> None:
        self.waveform.setXRange(start_s, end_s, padding=0)

    def _request_spectrogram(self) -> None:
        """Ask for the visible span's image; not before the overview is up, which it would
        otherwise slow down by competing for the disk and the CPU."""
        if self.spectrogram_worker is not None and self.pyramid is not None:
            self.spectrogram_worker.request(self.spectrogram.request_for_view())

    def _spectrogram_settings_changed(self) -> None:
        low, high = self.min_db_spin.value(), self.max_db_spin.value()
        if high <= low:
            return
        settings = SpectrogramSettings(
            fft_size=int(self.fft_combo.currentData()),
            colour_map=self.colour_combo.currentText(),
            min_db=float(low),
            max_db=float(high),
            log_frequency=self.log_check.isChecked(),
        )
        self.spectrogram.apply_settings(settings)
        save(self.qsettings, SPECTROGRAM_GROUP, settings)
        self._shown_spectrogram = None
        self._spectrogram_timer.start()

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        super().resizeEvent(event)
        self._spectrogram_timer.start()

    # -- playback --------------------------------------------------------------------------
    def play(self) -> None:
        if self.recording is None:
            return
        try:
            if self.player is None:
                self.player = self._player_factory(self.recording.path)
            self.player.set_speed(float(self.speed_combo.currentData()))
            self._apply_loop()
            self.player.play(self.cursor_s)
        except PianoscopeError as error:
            self.show_problem(str(error))
            self.play_action.setChecked(False)
            return
        self.play_action.setChecked(True)
        self.play_action.setText("Pause")

    def pause(self) -> None:
        if self.player is not None:
            self.player.pause()
            self.select_time(self.player.position_s)
        self.play_action.setChecked(False)
        self.play_action.setText("Play")

    def _toggle_play(self, checked: bool) -> None:
        if checked:
            self.play()
        else:
            self.pause()

    def _toggle_loop(self, checked: bool) -> None:
        region = self.waveform.loop_region
        if checked:
            start_s, end_s = self.waveform.visible_range_s()
            third = (end_s - start_s) / 3
            region.setRegion((start_s + third, end_s - third))
            region.show()
        else:
            region.hide()
        if self.player is not None:
            self._apply_loop()

    def _apply_loop(self) -> None:
        assert self.player is not None
        if self.loop_action.isChecked():
            start_s, end_s = self.waveform.loop_region.getRegion()
            self.player.set_loop(start_s, end_s)
            if not start_s <= self.cursor_s < end_s:
                self.cursor_s = start_s
        elif self.player.loop_s is not None:
            self.player.clear_loop()

    def _speed_changed(self) -> None:
        if self.player is not None:
            speed = float(self.speed_combo.currentData())
            self.player.set_speed(max(MIN_SPEED, speed))

    # -- comments --------------------------------------------------------------------------
    def _comments_changed(self) -> None:
        self.waveform.show_comments(self.comments.comments)

    # -- export ----------------------------------------------------------------------------
    def export_analysis(self, kind: str, path: str | Path) -> None:
        """Notes CSV (+ segments CSV beside it), JSON (the analyse contract plus comments), MIDI."""
        if self.analysis is None:
            raise PianoscopeError("The analysis has not finished yet.")
        export_analysis(self.analysis, kind, path, self.comments.comments)

    def export_view(self, name: str, path: str | Path) -> None:
        export_plot(self.views[name], path)

    def export_report(self, path: str | Path) -> int:
        """The lesson report PDF; returns its page count."""
        if self.analysis is None or self.recording is None:
            raise PianoscopeError("The analysis has not finished yet.")
        report = lesson_report(
            self.recording, self.analysis, self.comments.comments, self.score.comparison
        )
        return write_report_pdf(report, self.analysis, path)

    def _ask_export_analysis(self, kind: str) -> None:
        filters = {"csv": "CSV (*.csv)", "json": "JSON (*.json)", "midi": "MIDI (*.mid)"}
        suffix = {"csv": ".csv", "json": ".json", "midi": ".mid"}[kind]
        path = self._ask_save_path(suffix, filters[kind])
        if path:
            self._run_export(lambda: self.export_analysis(kind, path), path)

    def _ask_export_view(self, name: str) -> None:
        path = self._ask_save_path(f".{name}.png", "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            self._run_export(lambda: self.export_view(name, path), path)

    def _ask_report(self) -> None:
        path = self._ask_save_path(".report.pdf", "PDF (*.pdf)")
        if path:
            self._run_export(lambda: self.export_report(path), path)

    def _ask_save_path(self, suffix: str, filters: str) -> str:
        assert self.recording is not None
        suggestion = self.recording.path.with_name(self.recording.path.stem + suffix)
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Export", str(suggestion), filters)
        return path

    def _run_export(self, export: Callable[[], object], path: str) -> None:
        try:
            export()
        except PianoscopeError as error:
            self.show_problem(str(error))
            return
        self.statusBar().showMessage(f"Saved {path}", 10_000)

    # -- files -----------------------------------------------------------------------------
    def _ask_open(self) -> None:
        start = str(self.recording.path.parent) if self.recording else ""
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open recording", start, AUDIO_FILTER)
        if path:
            self.open_recording(path)

    def recent_files(self) -> list[str]:
        value = self.qsettings.value("review/recent", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _remember_recent(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        self.qsettings.setValue("review/recent", recent[:MAX_RECENT])
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_recording(p))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:
        files = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.open_recording(files[0])

    # -- state -----------------------------------------------------------------------------
    def show_problem(self, message: str) -> None:
        """Add `message` to the banner, under what it already says about this recording."""
        if message not in self._problems:
            self._problems.append(message)
        self.banner.setText("\n".join(self._problems))
        self.banner.show()
        log.warning("%s", message)

    def _show_progress(self, text: str | None) -> None:
        visible = text is not None
        self.progress_label.setText(text or "")
        self.progress_bar.setValue(0)
        for widget in (self.progress_label, self.progress_bar, self.cancel_button):
            widget.setVisible(visible)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        self._close_recording(wait_s=CLOSE_WAIT_S)
        self.timer.stop()
        super().closeEvent(event)


def _db_spin(value: float) -> QtWidgets.QSpinBox:
    spin = QtWidgets.QSpinBox()
    spin.setRange(-160, 20)
    spin.setSingleStep(5)
    spin.setSuffix(" dB")
    spin.setValue(round(value))
    return spin


def open_review_window(path: str | Path | None = None, **kwargs: object) -> ReviewWindow:
    """A shown review window, optionally opening a recording (used by the live window)."""
    window = ReviewWindow(**kwargs)  # type: ignore[arg-type]
    window.show()
    if path is not None:
        window.open_recording(path)
    return window
