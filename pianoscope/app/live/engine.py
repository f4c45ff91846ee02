"""The live engine: a source fills the ring; workers analyse, record and watch the input.

The GUI (or a headless caller) only starts and stops things and reads the newest published
results, one `snapshot()` per refresh; it never computes and never waits on a worker. Results
crossing threads are immutable (frozen dataclasses, read-only arrays).

The spectrum analysis runs on a thread, or with `analysis_process=True` (the window) in a
process of its own (`app/live/analysis_process.py`) so that drawing never delays it.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pianoscope.app.live.analysis_process import AnalysisProcess, HopNote
from pianoscope.app.live.classifier_worker import (
    MODEL_SAMPLE_RATE_HZ,
    ClassifierWorker,
    TimedPrediction,
    load_shipped_classifier,
    to_model_rate,
)
from pianoscope.app.live.frame_analysis import LiveAnalyser, LiveFrame
from pianoscope.app.live.score_follow import FollowSnapshot, ScoreFollowWorker
from pianoscope.app.live.settings import LiveSettings
from pianoscope.app.live.spectrogram_buffer import SpectrogramBuffer
from pianoscope.app.live.timing import FrameTiming
from pianoscope.audio.recorder import Recorder, RecordingResult
from pianoscope.audio.shared_ring import SharedRing
from pianoscope.audio.source import AudioSource
from pianoscope.dsp.levels import rms_db
from pianoscope.errors import CalibrationError, PianoscopeError, RecordingError
from pianoscope.model.calibration import Calibration, calibrate
from pianoscope.score.loading import Score
from pianoscope.transcription.intensity import calibrate_passages_with_notes
from pianoscope.transcription.scale_calibration import calibrate_scale

if TYPE_CHECKING:
    from pianoscope.model.inference import Classifier

log = logging.getLogger(__name__)

# The GIL is handed between threads every this many seconds (Python's default is 5 ms): a short
# interval lets the analysis thread run soon after audio arrives even while the GUI thread draws.
GIL_SWITCH_INTERVAL_S = 0.001
_CHECK_INTERVAL_S = 0.1
_LOAD_WINDOW_S = 2.0
_LATENCY_HISTORY = 2000
# Calibration input quieter than this (dBFS) is taken as nothing played.
CALIBRATION_FLOOR_DBFS = -55.0


@dataclass(frozen=True)
class EngineStats:
    """Health figures for the status bar and the benchmarks."""

    sample_rate_hz: int
    overflow_count: int
    frames_analysed: int
    hops_skipped: int
    analysis_load: float
    classifier_load: float
    latency_p50_ms: float
    latency_p99_ms: float
    recording_s: float | None
    recording_paused: bool


@dataclass(frozen=True)
class LiveSnapshot:
    """Everything the live window draws on one refresh, read from the engine at one moment.

    The GUI reads one snapshot per timer tick instead of reaching for the engine's attributes
    one by one, so what it draws is consistent and the engine's insides can change freely.
    """

    frame: LiveFrame | None
    spectrogram: SpectrogramBuffer | None
    stats: EngineStats
    problem: str | None
    """Why the input or the recording stopped, in words for the user; None while fine."""
    recording: bool
    last_take: RecordingResult | None
    """The most recently finished take, also one the engine ended itself (device lost)."""
    prediction: TimedPrediction | None
    predictions: tuple[TimedPrediction, ...]
    """The classifier's predictions of the last minute, oldest first."""
    classifier_problem: str | None
    classifier_running: bool
    follow: FollowSnapshot | None = None
    """Where the student is in the score being followed; None when no score is."""


class LiveEngine:
    """Runs the analysis of one audio source; optionally records it."""

    def __init__(
        self,
        source: AudioSource,
        settings: LiveSettings | None = None,
        *,
        load_classifier: Callable[[], Classifier] | None = load_shipped_classifier,
        analysis_process: bool = False,
    ) -> None:
        """`load_classifier=None` runs without the classifier (spectra only);
        `analysis_process=True` analyses in a process of its own (the source's ring is then
        replaced, before it starts, by one in shared memory)."""
        self.source = source
        self.settings = settings or LiveSettings()
        self._load_classifier = load_classifier
        self._in_process = analysis_process
        self._shared_ring: SharedRing | None = None
        self._analysis: AnalysisProcess | None = None
        self._receive_lock = threading.Lock()
        self._calibration = Calibration()
        self.classifier: ClassifierWorker | None = None
        self._followed: Score | None = None
        self._score_follow: ScoreFollowWorker | None = None
        self._analyser: LiveAnalyser | None = None
        self._spectrogram: SpectrogramBuffer | None = None
        self._latest: LiveFrame | None = None
        self._recorder: Recorder | None = None
        self._recorder_lock = threading.Lock()
        self.last_result: RecordingResult | None = None
        """The most recently finished take, also one the engine ended itself (device lost)."""
        self._problem: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._frames = 0
        self._skipped = 0
        self._hops_lost_in_mailbox = 0
        self._load = 0.0
        self._timings: collections.deque[FrameTiming] = collections.deque(maxlen=_LATENCY_HISTORY)
        self._latencies_ms = np.zeros(_LATENCY_HISTORY)

    # -- control ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the source and the analysis; raises PianoscopeError if the input fails."""
        if self._in_process:
            self._shared_ring = SharedRing.create(self.source.ring.capacity)
            self.source.ring = self._shared_ring.ring
        try:
            self.source.start()
        except PianoscopeError:
            self._release_shared_ring()
            raise
        sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_INTERVAL_S))
        self._configure(self.settings)
        self._problem = None
        self._stop.clear()
        if self._shared_ring is not None:
            self._analysis = AnalysisProcess(
                self._shared_ring, self.source.sample_rate_hz, self.settings
            )
            self._thread = threading.Thread(target=self._watch, name="live-watch", daemon=True)
        else:
            self._thread = threading.Thread(target=self._run, name="live-analysis", daemon=True)
        self._thread.start()
        if self._load_classifier is not None:
            self.classifier = ClassifierWorker(
                self.source.ring, self.source.sample_rate_hz, load_classifier=self._load_classifier
            )
            self.classifier.set_calibration(self._calibration)
            self.classifier.start()
        self._start_following()

    def follow_score(self, score: Score | None) -> None:
        """Follow `score` in the input from now on (and after every start); None stops."""
        self._stop_following()
        self._followed = score
        if self.running:
            self._start_following()

    def _start_following(self) -> None:
        if self._followed is not None:
            self._score_follow = ScoreFollowWorker(
                self.source.ring, self.source.sample_rate_hz, self._followed
            )
            self._score_follow.start()

    def _stop_following(self) -> None:
        worker, self._score_follow = self._score_follow, None
        if worker is not None:
            worker.stop()

    def stop(self) -> RecordingResult | None:
        """Stop analysis and input; a running recording is finished and returned."""
        result = self.stop_recording()
        self._stop.set()
        self._stop_following()
        if self.classifier is not None:
            self.classifier.stop()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.source.stop()
        with self._receive_lock:  # no reader may be in the mailbox while it goes
            if self._analysis is not None:
                self._analysis.stop()
                self._analysis = None
        self._release_shared_ring()
        return result

    def _release_shared_ring(self) -> None:
        if self._shared_ring is not None:
            self._shared_ring.close()
            self._shared_ring = None

    @property
    def analysis_pid(self) -> int | None:
        """The analysis process's id; None when the analysis runs on a thread (or stopped)."""
        return self._analysis.pid if self._analysis is not None else None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def apply_settings(self, settings: LiveSettings) -> None:
        """Use new settings from the next frame on (the analysis thread picks them up)."""
        self.settings = settings
        if self.running:
            with self._receive_lock:
                self._configure(settings)
                if self._analysis is not None:
                    self._analysis.apply_settings(settings)

    def start_recording(
        self, path: str | Path, *, student: str | None = None, piece: str | None = None
    ) -> None:
        """Record everything the source delivers from now on into `path`."""
        with self._recorder_lock:
            if self._recorder is not None:
                raise RecordingError("A recording is already running.")
            recorder = Recorder(
                self.source.ring,
                path,
                sample_rate_hz=self.source.sample_rate_hz,
                device=self.source.name,
                student=student,
                piece=piece,
                calibration=self._calibration.to_json(),
            )
            recorder.start()
            self._recorder = recorder
        if self.classifier is not None:
            self.classifier.align_to(recorder.timeline)

    def stop_recording(self) -> RecordingResult | None:
        """Finish the current recording (if any) and return where it is."""
        with self._recorder_lock:
            recorder, self._recorder = self._recorder, None
        if recorder is None:
            return None
        self.last_result = recorder.stop()
        if self.classifier is not None:
            self.classifier.end_take(recorder.timeline)
        return self.last_result

    def measure_calibration(self, seconds: float) -> Calibration:
        """Calibration from the last `seconds` of input, which should be a few mf notes.

        Raises CalibrationError when there was too little or nothing audible.
        """
        return calibrate(self.recent_playing(seconds, "a few notes mezzo-forte (medium loud)"))

    def recent_playing(self, seconds: float, what: str = "a few notes") -> np.ndarray:
        """The last `seconds` of input at the model's rate, for a calibration; CalibrationError
        asking to play `what` when there was too little or nothing audible."""
        latest = self.source.ring.latest(round(seconds * self.source.sample_rate_hz))
        audio = to_model_rate(latest.samples, self.source.sample_rate_hz)
        if audio.size < MODEL_SAMPLE_RATE_HZ // 2 or rms_db(audio) < CALIBRATION_FLOOR_DBFS:
            raise CalibrationError(
                f"Nothing loud enough was heard to calibrate. Play {what} while the "
                "calibration runs."
            )
        return audio

    @staticmethod
    def calibration_from_passages(
        soft: np.ndarray, medium: np.ndarray, loud: np.ndarray
    ) -> Calibration:
        """The three-passage calibration of passages `recent_playing` gave; CalibrationError
        saying what to play differently."""
        try:
            return calibrate_passages_with_notes(soft, medium, loud)
        except ValueError as error:
            raise CalibrationError(f"The passages cannot calibrate: {error}.") from error

    @staticmethod
    def calibration_from_scale(scale: np.ndarray) -> Calibration:
        """The scale calibration of a chromatic scale `recent_playing` gave; CalibrationError
        saying what to play differently."""
        try:
            return calibrate_scale(scale)
        except ValueError as error:
            raise CalibrationError(f"The scale cannot calibrate: {error}.") from error

    def set_calibration(self, calibration: Calibration) -> None:
        """Use an input calibration for the intensity level cue."""
        self._calibration = calibration
        if self.classifier is not None:
            self.classifier.set_calibration(calibration)

    def set_recording_paused(self, paused: bool) -> None:
        """Pause or resume the running recording (no-op without one)."""
        recorder = self._recorder
        if recorder is not None:
            if paused:
                recorder.pause()
            else:
                recorder.resume()

    # -- published results (any thread) ---------------------------------------------------
    @property
    def latest_frame(self) -> LiveFrame | None:
        self._receive()
        return self._latest

    @property
    def spectrogram(self) -> SpectrogramBuffer | None:
        return self._spectrogram

    @property
    def problem(self) -> str | None:
        """Why the input or the recording stopped, in words for the user; None while fine."""
        return self._problem

    @property
    def recording(self) -> bool:
        return self._recorder is not None

    def snapshot(self) -> LiveSnapshot:
        """The newest published results, for one refresh of the display."""
        classifier, follow = self.classifier, self._score_follow
        self._receive()
        return LiveSnapshot(
            frame=self._latest,
            spectrogram=self._spectrogram,
            stats=self.stats(),
            problem=self._problem,
            recording=self._recorder is not None,
            last_take=self.last_result,
            prediction=classifier.latest if classifier is not None else None,
            predictions=classifier.history() if classifier is not None else (),
            classifier_problem=classifier.problem if classifier is not None else None,
            classifier_running=classifier is not None,
            follow=follow.snapshot if follow is not None else None,
        )

    def recent_timings(self) -> tuple[FrameTiming, ...]:
        """The last ~2000 hops' timings (about 45 s at the default hop), oldest first."""
        return tuple(self._timings)

    def stats(self) -> EngineStats:
        self._receive()
        count = min(self._frames, _LATENCY_HISTORY)
        latencies = self._latencies_ms[:count] if count else np.zeros(1)
        p50, p99 = np.percentile(latencies, [50, 99])
        recorder = self._recorder
        return EngineStats(
            sample_rate_hz=self.source.sample_rate_hz,
            overflow_count=self.source.overflow_count,
            frames_analysed=self._frames,
            hops_skipped=self._skipped,
            analysis_load=self._load,
            classifier_load=self.classifier.load if self.classifier is not None else 0.0,
            latency_p50_ms=float(p50),
            latency_p99_ms=float(p99),
            recording_s=recorder.elapsed_s if recorder is not None else None,
            recording_paused=recorder is not None and recorder.paused,
        )

    # -- analysis thread --------------------------------------------------------------------
    def _configure(self, settings: LiveSettings) -> None:
        rate = self.source.sample_rate_hz
        self._analyser = LiveAnalyser(settings, rate)
        self._spectrogram = SpectrogramBuffer(settings, rate)

    def _run(self) -> None:
        """Analysis thread; a bug here is reported in the window instead of freezing it."""
        try:
            self._analyse_until_stopped()
        except Exception as error:
            log.exception("live analysis failed")
            self._problem = f"The live analysis stopped unexpectedly ({error}). Please restart."
            self.stop_recording()

    def _analyse_until_stopped(self) -> None:
        ring = self.source.ring
        next_end = ring.written + self.settings.hop_frames
        last_check_s = load_start_s = time.monotonic()
        load_cpu_s = time.thread_time()
        while not self._stop.is_set():
            now_s = time.monotonic()
            if now_s - last_check_s >= _CHECK_INTERVAL_S:
                self._check_health()
                last_check_s = now_s
            if now_s - load_start_s >= _LOAD_WINDOW_S:
                self._load = (time.thread_time() - load_cpu_s) / (now_s - load_start_s)
                load_start_s, load_cpu_s = now_s, time.thread_time()
            if not ring.wait_until_written(next_end, _CHECK_INTERVAL_S):
                continue
            started_s, started_cpu_s = time.monotonic(), time.thread_time()
            written = ring.written
            arrived_s = self.source.last_block_time_s
            analyser, spectrogram = self._analyser, self._spectrogram
            window = ring.latest(analyser.settings.fft_size)
            frame = analyser.analyse(window.samples, window.end_index)
            spectrogram.append(frame.spectrum_db)
            self._latest = frame
            self._count_hop(
                FrameTiming(
                    arrived_s, started_s, time.monotonic(), time.thread_time() - started_cpu_s
                )
            )
            hop = analyser.settings.hop_frames
            next_end += hop
            if written - next_end >= hop:
                self._skipped += (written - next_end) // hop
                next_end = written + hop

    def _count_hop(self, timing: FrameTiming) -> None:
        self._timings.append(timing)
        self._latencies_ms[self._frames % _LATENCY_HISTORY] = timing.latency_s * 1e3
        self._frames += 1

    # -- analysis process ---------------------------------------------------------------------
    def _watch(self) -> None:
        """With the analysis in its own process, this thread starts it, then watches the input.

        Starting it can wait a second or two for the fork server (more on a loaded machine), so
        that happens here, not in `start()` on the GUI thread; frames come once it runs.
        """
        try:
            self._analysis.start()
        except OSError as error:
            self._problem = f"The live analysis could not start ({error}). Please restart."
            log.error("%s", self._problem)
        while not self._stop.wait(_CHECK_INTERVAL_S):
            self._check_health()
            problem = self._analysis.problem
            if problem is not None and self._problem is None:
                log.error("%s", problem)
                self._problem = problem
                self.stop_recording()

    def _receive(self) -> None:
        """Take the hops the analysis process published since the last call (any thread)."""
        analysis = self._analysis
        if analysis is None:
            return
        with self._receive_lock:
            delivery = analysis.mailbox.take()
            self._hops_lost_in_mailbox += delivery.lost
            current = [n for n in delivery.notes if n.generation == analysis.generation]
            for note in current:
                self._spectrogram.append_column(note.spectrogram_column)
                self._count_hop(note.timing)
            if current:
                newest: HopNote = current[-1]
                self._skipped = newest.hops_skipped + self._hops_lost_in_mailbox
                self._load = newest.load
                if newest is delivery.notes[-1] and delivery.newest_frame is not None:
                    self._latest = _read_only(delivery.newest_frame)

    def _check_health(self) -> None:
        try:
            self.source.check()
        except PianoscopeError as error:
            if self._problem is None:
                message = str(error)
                result = self.stop_recording()
                if result is not None and result.path is not None:
                    message += f" The recording is saved as {result.path.name}."
                log.error("%s", message)
                self._problem = message
        recorder = self._recorder
        if recorder is not None and recorder.error and not recorder.running:
            self._problem = recorder.error
            self.stop_recording()


def _read_only(frame: LiveFrame) -> LiveFrame:
    """A frame from the analysis process, its arrays made read-only like those made here."""
    for field in dataclasses.fields(frame):
        value = getattr(frame, field.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return frame
