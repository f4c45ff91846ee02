"""The live spectrum analysis in a process of its own, fed from a ring in shared memory.

Python runs one thread of a process at a time (the GIL). In one process with the window, every
hop's analysis waited for whatever the GUI thread was drawing, and the tail of the latency came
from there (bench/bench_live.py). In a process of its own it waits for nothing but a CPU: the
source writes into a `SharedRing`, wakes this process through a pipe, and this process publishes
each hop's `LiveFrame` with its timing into a `FrameMailbox` that the window reads when it draws.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

import numpy as np

from pianoscope.app.live.collector_pauses import freeze_start_up_objects
from pianoscope.app.live.frame_analysis import LiveAnalyser
from pianoscope.app.live.frame_mailbox import FrameMailbox
from pianoscope.app.live.settings import LiveSettings
from pianoscope.app.live.spectrogram_buffer import SpectrogramBuffer
from pianoscope.app.live.timing import FrameTiming
from pianoscope.audio.shared_ring import SharedRing, SharedRingAddress
from pianoscope.dsp.windows import MAX_FFT_SIZE

log = logging.getLogger(__name__)

_CHECK_INTERVAL_S = 0.1
_LOAD_WINDOW_S = 2.0
_STOP_TIMEOUT_S = 5.0
# A pickled frame of the largest FFT is about 14 bytes per FFT sample (measured: 474 kB at 32768).
SLOT_BYTES = 20 * MAX_FFT_SIZE + 64 * 1024


@dataclass(frozen=True)
class HopNote:
    """What the window takes from every hop, drawn or not."""

    timing: FrameTiming
    spectrogram_column: np.ndarray
    generation: int
    """Which settings the hop was analysed with (they change under a running analysis)."""
    hops_skipped: int
    load: float


def _context() -> multiprocessing.context.BaseContext:
    """Children forked from a small server that has the analysis imported: quick to start, and
    never a fork of the window's process with its threads."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def prepare_analysis_processes() -> None:
    """Start the server that analysis processes are forked from, as the window opens.

    It imports numpy, scipy and the analysis (a second or more); started here, it does so while
    the window is built instead of when the user presses Start.
    """
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


class AnalysisProcess:
    """The window's handle on the analysis process: start, settings, results, stop."""

    def __init__(self, ring: SharedRing, sample_rate_hz: int, settings: LiveSettings) -> None:
        self._ring = ring
        self._sample_rate_hz = sample_rate_hz
        self._settings = settings
        self.generation = 0
        self.mailbox = FrameMailbox.create(SLOT_BYTES)
        self._process: multiprocessing.process.BaseProcess | None = None
        self._wake_fd: int | None = None
        self._wake_writer: Connection | None = None
        self._control: Connection | None = None
        self._problem: str | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the process (this waits until the fork server is ready: call it off the GUI
        thread). It reads the ring from the samples written when it starts."""
        context = _context()
        wake_reader, wake_writer = context.Pipe(duplex=False)
        control, child_control = context.Pipe()
        with self._lock:
            settings, generation = self._settings, self.generation
        process = context.Process(
            target=serve,
            args=(
                self._ring.address,
                self.mailbox.name,
                wake_reader,
                child_control,
                (settings, generation),
                self._sample_rate_hz,
            ),
            name="pianoscope-live-analysis",
            daemon=True,
        )
        process.start()
        wake_reader.close()
        child_control.close()
        os.set_blocking(wake_writer.fileno(), False)
        with self._lock:
            self._process, self._wake_writer, self._control = process, wake_writer, control
            self._wake_fd = wake_writer.fileno()
            if self.generation != generation:  # changed while the process started
                control.send((self._settings, self.generation))
        self._ring.ring.add_listener(self._wake)

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def _wake(self) -> None:
        """Called by the source after each block: one byte down the pipe, never waiting."""
        fd = self._wake_fd
        if fd is None:
            return
        # A full pipe means it is awake already; a broken one, gone (the engine's watch says so).
        with contextlib.suppress(BlockingIOError, BrokenPipeError):
            os.write(fd, b"\0")

    def apply_settings(self, settings: LiveSettings) -> None:
        """Analyse with these settings from now on (or from the start, if not started yet)."""
        with self._lock:
            self.generation += 1
            self._settings = settings
            if self._control is not None:
                self._control.send((settings, self.generation))

    @property
    def problem(self) -> str | None:
        """Why the analysis stopped, once it has; None while it runs."""
        if self._problem is None and self._control is not None:
            if self._control.poll():
                with contextlib.suppress(EOFError):
                    self._problem = self._control.recv()
            if self._problem is None and self._process is not None and not self._process.is_alive():
                self._problem = (
                    f"The live analysis stopped unexpectedly (exit code "
                    f"{self._process.exitcode}). Please restart."
                )
        return self._problem

    def stop(self) -> None:
        """Ask the process to end (terminate it if it does not) and free what it shared.

        The source must have stopped: it calls `_wake` from its own thread.
        """
        process, self._process = self._process, None
        self._wake_fd = None
        if process is not None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self._control.send(None)
            process.join(_STOP_TIMEOUT_S)
            if process.is_alive():
                process.terminate()
                process.join()
        for connection in (self._wake_writer, self._control):
            if connection is not None:
                connection.close()
        self._wake_writer = self._control = None
        self.mailbox.close()


# -- the analysis process ----------------------------------------------------------------------
def serve(
    ring_address: SharedRingAddress,
    mailbox_name: str,
    wake: Connection,
    control: Connection,
    settings: tuple[LiveSettings, int],
    sample_rate_hz: int,
) -> None:
    """Analyse every hop of the shared ring until told to stop or the window's process is gone.

    `settings` comes with its generation, the number the window gave that change of settings.
    """
    _own_share_of_the_cpu()
    shared = SharedRing.attach(ring_address)
    mailbox = FrameMailbox.attach(mailbox_name)
    freeze_start_up_objects()
    try:
        _analyse(shared, mailbox, wake, control, settings, sample_rate_hz)
    except (EOFError, BrokenPipeError):
        pass  # the window's process has gone
    except Exception as error:
        log.exception("live analysis failed")
        control.send(f"The live analysis stopped unexpectedly ({error}). Please restart.")


def _own_share_of_the_cpu() -> None:
    """Start a session of its own: Linux (with autogroup scheduling, the desktop default) shares
    the CPU fairly between sessions, so the analysis, which needs a sixth of a core, is not
    counted with the window and whatever else the window's session runs."""
    with contextlib.suppress(AttributeError, OSError):  # no sessions here, or already a leader
        os.setsid()


def _analyse(
    shared: SharedRing,
    mailbox: FrameMailbox,
    wake: Connection,
    control: Connection,
    settings_generation: tuple[LiveSettings, int],
    sample_rate_hz: int,
) -> None:
    ring = shared.ring
    settings, generation = settings_generation
    analyser = LiveAnalyser(settings, sample_rate_hz)
    columns = SpectrogramBuffer(settings, sample_rate_hz)
    skipped = 0
    load = 0.0
    next_end = ring.written + settings.hop_frames
    load_start_s, load_cpu_s = time.monotonic(), time.thread_time()
    while True:
        if control.poll():
            message = control.recv()
            if message is None:
                return
            settings, generation = message
            analyser = LiveAnalyser(settings, sample_rate_hz)
            columns = SpectrogramBuffer(settings, sample_rate_hz)
        now_s = time.monotonic()
        if now_s - load_start_s >= _LOAD_WINDOW_S:
            load = (time.thread_time() - load_cpu_s) / (now_s - load_start_s)
            load_start_s, load_cpu_s = now_s, time.thread_time()
        if ring.written < next_end:
            if wake.poll(_CHECK_INTERVAL_S):
                os.read(wake.fileno(), 4096)  # the wake-up bytes themselves mean nothing
            continue
        started_s, started_cpu_s = time.monotonic(), time.thread_time()
        written = ring.written
        arrived_s = ring.written_at_s
        window = ring.latest(settings.fft_size)
        frame = analyser.analyse(window.samples, window.end_index)
        column = columns.column(frame.spectrum_db)
        hop = settings.hop_frames
        next_end += hop
        if written - next_end >= hop:
            skipped += (written - next_end) // hop
            next_end = written + hop
        frame_bytes = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
        timing = FrameTiming(
            arrived_s, started_s, time.monotonic(), time.thread_time() - started_cpu_s
        )
        mailbox.publish(HopNote(timing, column, generation, skipped, load), frame_bytes)
