"""The classifier thread: every ~250 ms, classify the newest ~2 s of the ring.

The network is loaded inside the thread so that opening the window never waits for torch. A
missing or unreadable model is reported (`problem`) and the rest of the live view keeps running.
Predictions are published as immutable `TimedPrediction`s with a history of the last minute;
their form and intensity follow `pianoscope.transcription.note_reading.with_note_reading`, as
offline.

Live there is no whole take to measure, so the classifier reads piano, form and silence
relative to a running reference (`reference_db`): the loudest 100 ms of the last minute, as
the offline analysis reads them relative to the take's loudest 100 ms. It never drops below
where the input's calibration (none: the training level) puts a take's loudest: before a note
has been played, a quiet room and quiet playing differ only in their absolute level, so an
input far too quiet still reads silent until it is calibrated, while one far too loud is read
like one at the right level. Intensity keeps the calibration either way.

While a take is recorded (`align_to`), the window ending at each of its 2 s segment boundaries
is classified too, besides the regular ticks: the history then holds, for every segment of the
take, the very window its offline analysis labels, so the two can say the same (a tick up to
125 ms off a boundary hears a few notes more or less, which can change a class near its edge).
Boundaries count take samples, and the window is read through the recorder's `TakeTimeline`: a
pause leaves audio out of the take, and a segment across it joins the audio either side, as the
take file does. A window is classified once the recorder has kept it, up to a recorder chunk after
the ring received it, so it goes into the history in time order rather than at its end; for the
same reason the take's last segments are classified after it ended (`end_take`).
"""

from __future__ import annotations

import bisect
import collections
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np
from scipy.signal import resample_poly

from pianoscope.analysis.result import SEGMENT_S
from pianoscope.audio.recorder import TakeTimeline
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.audio.worker_thread import WorkerThread
from pianoscope.dsp.levels import signal_reference_level_db
from pianoscope.errors import PianoscopeError
from pianoscope.model.calibration import TAKE_LOUDEST_DB, Calibration, take_gain_db
from pianoscope.transcription.note_reading import with_note_reading

if TYPE_CHECKING:  # torch is imported only when the classifier thread loads the model
    from pianoscope.model.inference import Classifier, Prediction

log = logging.getLogger(__name__)

MODEL_SAMPLE_RATE_HZ = 44_100
INTERVAL_S = 0.25
HISTORY_S = 60.0
# The running reference is the loudest 100 ms of this much recent input.
REFERENCE_S = 60.0


@dataclass(frozen=True)
class TimedPrediction:
    """A prediction for the window ending at `time_s` (seconds of input since start)."""

    time_s: float
    prediction: Prediction


def load_shipped_classifier() -> Classifier:
    """The shipped classifier, using one torch thread so it never starves the audio threads."""
    from pianoscope.model.inference import Classifier

    return Classifier(threads=1)


def preload_classifier_runtime() -> None:
    """Import torch and the inference code now, before live audio is analysed.

    Importing torch runs about a second of Python that holds the GIL; done by the classifier
    thread while the analysis thread is already working, it delayed the first second of spectra
    by up to 225 ms (measured). The app calls this once at launch, before its window shows.
    Without torch installed this does nothing: the classifier thread reports that later.
    """
    try:
        import pianoscope.model.inference  # noqa: F401
    except ImportError as error:
        log.info("classifier runtime not preloaded: %s", error)


def to_model_rate(audio: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """Audio resampled to the 44.1 kHz the model and its features were trained at."""
    if sample_rate_hz == MODEL_SAMPLE_RATE_HZ:
        return audio
    ratio = Fraction(MODEL_SAMPLE_RATE_HZ, sample_rate_hz)
    return resample_poly(audio, ratio.numerator, ratio.denominator).astype(np.float32)


class ClassifierWorker:
    """Runs a classifier over a ring buffer on its own thread."""

    def __init__(
        self,
        ring: RingBuffer,
        sample_rate_hz: int,
        *,
        load_classifier: Callable[[], Classifier] = load_shipped_classifier,
        interval_s: float = INTERVAL_S,
    ) -> None:
        self._ring = ring
        self._sample_rate_hz = sample_rate_hz
        self._load_classifier = load_classifier
        self._interval_s = interval_s
        self._history: list[TimedPrediction] = []
        self._history_length = round(HISTORY_S / interval_s + HISTORY_S / SEGMENT_S)
        self._history_tuple: tuple[TimedPrediction, ...] = ()
        self._latest: TimedPrediction | None = None
        self._problem: str | None = None
        self._worker = WorkerThread(self._run, "classifier")
        self._load = 0.0
        self._calibration = Calibration()
        self._loudest: collections.deque[tuple[float, float]] = collections.deque()
        self._take: TakeTimeline | None = None
        self._take_ended = False
        self._next_boundary = 0  # take sample of the take's next segment end
        self._boundary_lock = threading.Lock()
        self.classifier: Classifier | None = None

    @property
    def latest(self) -> TimedPrediction | None:
        return self._latest

    @property
    def problem(self) -> str | None:
        return self._problem

    @property
    def load(self) -> float:
        """Fraction of one core the classifier thread used recently."""
        return self._load

    @property
    def calibration(self) -> Calibration:
        return self._calibration

    def set_calibration(self, calibration: Calibration) -> None:
        """Read levels relative to this input's calibration (now, or as soon as loaded)."""
        self._calibration = calibration
        if self.classifier is not None:
            self.classifier.set_calibration(calibration)

    def align_to(self, take: TakeTimeline) -> None:
        """Also classify the windows ending at every `SEGMENT_S` of the take whose ring samples
        `take` tells (see the module docstring)."""
        with self._boundary_lock:
            self._take, self._take_ended = take, False
            self._next_boundary = round(SEGMENT_S * self._sample_rate_hz)

    def end_take(self, take: TakeTimeline) -> None:
        """`take` is complete (its recorder stopped): classify the segments it holds that are
        still waiting, then stop aligning (unless another take is aligned to by now)."""
        with self._boundary_lock:
            self._take_ended = self._take_ended or self._take is take

    @property
    def reference_db(self) -> float:
        """The running reference, dBFS: the loudest 100 ms of the last `REFERENCE_S`, never
        below where the calibration puts a take's loudest (see the module docstring)."""
        floor_db = TAKE_LOUDEST_DB + self._calibration.offset_db
        return max([floor_db, *(level_db for _, level_db in tuple(self._loudest))])

    def history(self) -> tuple[TimedPrediction, ...]:
        """Predictions of the last minute, oldest first (made once per prediction, not per
        call: the window asks on every refresh)."""
        return self._history_tuple

    def start(self) -> None:
        self._worker.start()

    def stop(self) -> None:
        self._worker.stop()

    def _run(self) -> None:
        try:
            classifier = self._load_classifier()
            classifier.set_calibration(self._calibration)
            self.classifier = classifier
        except (PianoscopeError, OSError, RuntimeError, ValueError) as error:
            self._problem = f"The classifier is not available ({error}); spectra still work."
            log.error("%s", self._problem)
            return
        from pianoscope.model.inference import WINDOW_SAMPLES

        needed = round(WINDOW_SAMPLES * self._sample_rate_hz / MODEL_SAMPLE_RATE_HZ)
        window_start_s, window_cpu_s = time.monotonic(), time.thread_time()
        next_s = time.monotonic()
        while not self._worker.stopping.wait(max(0.0, next_s - time.monotonic())):
            next_s += self._interval_s
            latest = self._ring.latest(needed)
            if latest.samples.size == 0:
                continue
            try:
                for samples, end_index in self._take_windows(needed):
                    self._classify(samples, end_index)
                self._latest = self._classify(latest.samples, latest.end_index)
            except Exception as error:  # any failure ends the thread: say so, never silently
                self._problem = f"The classifier stopped ({error}); spectra still work."
                log.exception("%s", self._problem)
                return
            now_s = time.monotonic()
            if now_s - window_start_s >= 2.0:
                self._load = (time.thread_time() - window_cpu_s) / (now_s - window_start_s)
                window_start_s, window_cpu_s = now_s, time.thread_time()
            if now_s > next_s + self._interval_s:
                next_s = now_s

    def _passed_boundaries(self) -> tuple[TakeTimeline | None, list[int]]:
        """The take and its segment ends (take samples) the recorder has kept by now and that
        were not classified yet (see `align_to`)."""
        segment = round(SEGMENT_S * self._sample_rate_hz)
        passed = []
        with self._boundary_lock:
            take = self._take
            while take is not None and self._next_boundary <= take.frames:
                passed.append(self._next_boundary)
                self._next_boundary += segment
            if self._take_ended:
                self._take, self._take_ended = None, False
        return take, passed

    def _take_windows(self, needed: int) -> list[tuple[np.ndarray, int]]:
        """The `needed` take samples ending at each passed segment end, read from the ring piece
        by piece, with the ring index the last one ends at; a window the ring no longer holds
        whole (overwritten, or lost before the recorder read it) is skipped."""
        take, boundaries = self._passed_boundaries()
        windows = []
        for boundary in boundaries:
            reads = [
                self._ring.read_range(piece.ring_start, piece.ring_end)
                for piece in take.ring_pieces(boundary - needed, boundary)
            ]
            if sum(read.samples.size for read in reads) < needed:
                log.info("the take's window ending at sample %d is no longer held", boundary)
                continue
            windows.append((np.concatenate([read.samples for read in reads]), reads[-1].end_index))
        return windows

    def _classify(self, samples: np.ndarray, end_index: int) -> TimedPrediction:
        """Classify the window of `samples` ending at ring index `end_index` and add it to the
        history in time order."""
        audio = to_model_rate(samples, self._sample_rate_hz)
        time_s = end_index / self._sample_rate_hz
        prediction = self.classifier.predict(audio, take_gain_db=self._take_gain_db(time_s, audio))
        prediction = with_note_reading(prediction, audio, self._calibration)
        timed = TimedPrediction(time_s, prediction)
        bisect.insort_right(self._history, timed, key=lambda kept: kept.time_s)
        del self._history[: max(0, len(self._history) - self._history_length)]
        self._history_tuple = tuple(self._history)
        return timed

    def _take_gain_db(self, time_s: float, audio: np.ndarray) -> float | None:
        """Add the newest window to the running reference and forget what is older than
        `REFERENCE_S`; the gain that places the input at the reference, or None when the
        reference is the calibration's (the calibrated window is then the placed one, and the
        classifier reads it once)."""
        self._loudest.append((time_s, signal_reference_level_db(audio, MODEL_SAMPLE_RATE_HZ)))
        while self._loudest[0][0] < time_s - REFERENCE_S:
            self._loudest.popleft()
        reference_db = self.reference_db
        if reference_db == TAKE_LOUDEST_DB + self._calibration.offset_db:
            return None
        return take_gain_db(reference_db)
