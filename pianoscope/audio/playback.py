"""Play a recording through a sounddevice OutputStream from any position, loop, 0.5x-1x speed.

A feeder thread reads the file (and time-stretches it when slower) into a small queue; the
PortAudio callback only copies queued samples out and advances the position, so disk reads
and stretching never happen on the audio thread. The position follows what the callback has
handed to the device, which is what the cursor should show.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sounddevice as sd

from pianoscope.audio.fileio import probe_audio
from pianoscope.audio.region import iter_frames
from pianoscope.audio.time_stretch import TimeStretcher
from pianoscope.errors import AudioDeviceError

log = logging.getLogger(__name__)

READ_FRAMES = 4096
QUEUE_CHUNKS = 8
BLOCK_FRAMES = 1024
MIN_SPEED = 0.5
MIN_LOOP_S = 0.05

StreamFactory = Callable[..., Any]


@dataclass(frozen=True)
class _Chunk:
    samples: np.ndarray
    source_start: float  # source frame of samples[0]
    source_per_sample: float  # source frames per output sample (the speed)
    generation: int


class Player:
    """One recording's playback; `play`, `pause`, `seek`, `set_loop`, `set_speed`."""

    def __init__(
        self,
        path: str | Path,
        *,
        device: int | str | None = None,
        stream_factory: StreamFactory = sd.OutputStream,
    ) -> None:
        info = probe_audio(path)
        self.path = Path(path)
        self.sample_rate_hz = info.sample_rate_hz
        self.frames = info.frames
        self._device = device
        self._stream_factory = stream_factory
        self._stream: Any = None
        self._queue: queue.Queue[_Chunk | None] = queue.Queue(maxsize=QUEUE_CHUNKS)
        self._feeder: threading.Thread | None = None
        self._stop_feeder = threading.Event()
        self._lock = threading.Lock()
        self._generation = 0
        self._position = 0.0
        self._chunk: _Chunk | None = None
        self._chunk_index = 0
        self._loop: tuple[int, int] | None = None
        self._speed = 1.0
        self._finished = threading.Event()
        self.playing = False

    # -- controls (GUI thread) -------------------------------------------------------------
    @property
    def position_s(self) -> float:
        return self._position / self.sample_rate_hz

    @property
    def speed(self) -> float:
        return self._speed

    @property
    def loop_s(self) -> tuple[float, float] | None:
        if self._loop is None:
            return None
        return self._loop[0] / self.sample_rate_hz, self._loop[1] / self.sample_rate_hz

    @property
    def finished(self) -> bool:
        """Playback reached the end of the file (not looping) and stopped by itself."""
        return self._finished.is_set()

    def play(self, start_s: float | None = None) -> None:
        """Start (or restart) playback at `start_s`, or where it stands."""
        self.stop()
        if start_s is not None:
            self._position = float(np.clip(start_s * self.sample_rate_hz, 0, self.frames))
        if self._position >= self.frames:
            self._position = 0.0
        if self._loop is not None and not self._loop[0] <= self._position < self._loop[1]:
            self._position = float(self._loop[0])
        self._finished.clear()
        self._start_feeder()
        try:
            self._stream = self._stream_factory(
                samplerate=self.sample_rate_hz,
                channels=1,
                dtype="float32",
                blocksize=BLOCK_FRAMES,
                device=self._device,
                callback=self._callback,
                finished_callback=self._finished.set,
            )
            self._stream.start()
        except (sd.PortAudioError, OSError, ValueError) as error:
            self._stop_feeding()
            self._stream = None
            raise AudioDeviceError(
                f"Playback could not start on the sound output: {error}. "
                "Check that speakers or headphones are connected."
            ) from error
        self.playing = True

    def pause(self) -> None:
        """Stop sounding and keep the position."""
        self.stop()

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.stop()
                stream.close()
            except sd.PortAudioError as error:
                log.warning("closing the output stream: %s", error)
        self._stop_feeding()
        self.playing = False

    def seek(self, time_s: float) -> None:
        if self.playing:
            self.play(time_s)
        else:
            self._position = float(np.clip(time_s * self.sample_rate_hz, 0, self.frames))

    def set_loop(self, start_s: float, end_s: float) -> None:
        start, end = sorted((start_s, end_s))
        if end - start < MIN_LOOP_S:
            raise ValueError("the loop is too short")
        rate = self.sample_rate_hz
        self._loop = (max(0, round(start * rate)), min(self.frames, round(end * rate)))
        self._restart_if_playing()

    def clear_loop(self) -> None:
        self._loop = None
        self._restart_if_playing()

    def set_speed(self, speed: float) -> None:
        if not MIN_SPEED <= speed <= 1.0:
            raise ValueError(f"speed must be within {MIN_SPEED}..1, not {speed}")
        self._speed = speed
        self._restart_if_playing()

    def _restart_if_playing(self) -> None:
        if self.playing:
            self.play()

    # -- feeder thread ---------------------------------------------------------------------
    def _start_feeder(self) -> None:
        self._generation += 1
        self._stop_feeder.clear()
        self._feeder = threading.Thread(
            target=self._feed,
            args=(self._generation, self._position, self._loop, self._speed),
            name="playback feeder",
            daemon=True,
        )
        self._feeder.start()

    def _stop_feeding(self) -> None:
        self._stop_feeder.set()
        feeder, self._feeder = self._feeder, None
        while True:  # unblock a feeder waiting on a full queue
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        if feeder is not None:
            feeder.join(timeout=2.0)
        with self._lock:
            self._chunk = None
            while True:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break

    def _feed(
        self, generation: int, start: float, loop: tuple[int, int] | None, speed: float
    ) -> None:
        """Read from `start` to the end (or round the loop) until stopped; one open file per
        pass, the time-stretcher's state carried across the loop's seam."""
        stretcher = TimeStretcher(speed) if speed < 1.0 else None
        first = int(start)
        while not self._stop_feeder.is_set():
            end = loop[1] if loop is not None else self.frames
            source_at = float(first)
            for block in iter_frames(self.path, first, end - first, block_frames=READ_FRAMES):
                samples = stretcher.feed(block) if stretcher is not None else block
                if samples.size:
                    self._put(_Chunk(samples, source_at, speed, generation))
                    source_at = min(source_at + samples.size * speed, float(end))
                if self._stop_feeder.is_set():
                    return
            if loop is None:
                self._put(None)
                return
            first = loop[0]

    def _put(self, chunk: _Chunk | None) -> None:
        while not self._stop_feeder.is_set():
            try:
                self._queue.put(chunk, timeout=0.05)
                return
            except queue.Full:
                continue

    # -- PortAudio callback ----------------------------------------------------------------
    def _callback(self, outdata: np.ndarray, frames: int, _time: Any, _status: Any) -> None:
        filled = 0
        with self._lock:
            while filled < frames:
                if self._chunk is None:
                    try:
                        chunk = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if chunk is None:
                        outdata[filled:] = 0.0
                        self._position = float(self.frames)
                        raise sd.CallbackStop
                    if chunk.generation != self._generation:
                        continue
                    self._chunk, self._chunk_index = chunk, 0
                chunk = self._chunk
                take = min(frames - filled, chunk.samples.size - self._chunk_index)
                outdata[filled : filled + take, 0] = chunk.samples[
                    self._chunk_index : self._chunk_index + take
                ]
                filled += take
                self._chunk_index += take
                self._position = chunk.source_start + self._chunk_index * chunk.source_per_sample
                if self._chunk_index >= chunk.samples.size:
                    self._chunk = None
        if filled < frames:
            outdata[filled:] = 0.0
