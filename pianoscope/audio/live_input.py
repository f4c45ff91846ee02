"""Microphone capture through PortAudio (sounddevice) into a ring buffer.

The callback runs on PortAudio's thread and does nothing but copy (or mix into a preallocated
scratch block) and count overflows. A device that disappears shows up either as the stream
finishing on its own or as callbacks that stop coming; `check()` turns both into an
AudioDeviceError the caller can show while keeping what was recorded.
"""

from __future__ import annotations

import logging
import threading
import time

import numpy as np
import sounddevice as sd

from pianoscope.audio.devices import InputDevice, resolve_input_device
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.audio.source import DEFAULT_RING_SECONDS
from pianoscope.errors import AudioDeviceError

log = logging.getLogger(__name__)

DEFAULT_SAMPLE_RATE_HZ = 44_100
DEFAULT_BLOCK_FRAMES = 512
_MAX_MIXED_CHANNELS = 8
_SCRATCH_FRAMES = 1 << 16
FIRST_BLOCK_TIMEOUT_S = 6.0


class LiveInput:
    """A running microphone: `ring` holds its newest `ring_seconds` of mono samples."""

    def __init__(
        self,
        *,
        device: int | str | None = None,
        channel: int | None = None,
        sample_rate_hz: int = DEFAULT_SAMPLE_RATE_HZ,
        block_frames: int = DEFAULT_BLOCK_FRAMES,
        ring_seconds: float = DEFAULT_RING_SECONDS,
        stall_timeout_s: float = 2.0,
    ) -> None:
        self._requested_device = device
        self._channel = channel
        self._requested_rate_hz = sample_rate_hz
        self._block_frames = block_frames
        self._stall_timeout_s = stall_timeout_s
        self.ring = RingBuffer(int(ring_seconds * sample_rate_hz))
        self._scratch = np.zeros(_SCRATCH_FRAMES, dtype=np.float32)
        self._stream: sd.InputStream | None = None
        self._device: InputDevice | None = None
        self._overflows = 0
        self._callbacks = 0
        self._last_callback_s = 0.0
        self._started_s = 0.0
        self._stopping = False
        self._finished = threading.Event()

    @property
    def sample_rate_hz(self) -> int:
        """The rate the device actually runs at (reported, not assumed)."""
        if self._stream is not None:
            return int(self._stream.samplerate)
        return self._requested_rate_hz

    @property
    def name(self) -> str:
        return self._device.name if self._device else str(self._requested_device or "default")

    @property
    def overflow_count(self) -> int:
        return self._overflows

    @property
    def callback_count(self) -> int:
        return self._callbacks

    @property
    def last_block_time_s(self) -> float:
        return self._last_callback_s

    @property
    def running(self) -> bool:
        return self._stream is not None and not self._finished.is_set()

    def start(self) -> None:
        """Open and start the input stream; raises AudioDeviceError with a readable reason."""
        device = resolve_input_device(self._requested_device)
        if self._channel is not None and not 0 <= self._channel < device.max_input_channels:
            raise AudioDeviceError(
                f"{device.name} has {device.max_input_channels} input channel(s); "
                f"channel {self._channel + 1} does not exist."
            )
        channels = (
            self._channel + 1
            if self._channel is not None
            else min(device.max_input_channels, _MAX_MIXED_CHANNELS)
        )
        try:
            sd.check_input_settings(
                device=device.index,
                channels=channels,
                samplerate=self._requested_rate_hz,
                dtype="float32",
            )
        except (sd.PortAudioError, ValueError) as error:
            raise AudioDeviceError(
                f"{device.name} cannot record at {self._requested_rate_hz} Hz with {channels} "
                f"channel(s) ({error}). Try 44100 or 48000 Hz."
            ) from error
        self._device = device
        self._stopping = False
        self._finished.clear()
        try:
            self._stream = sd.InputStream(
                device=device.index,
                channels=channels,
                samplerate=self._requested_rate_hz,
                blocksize=self._block_frames,
                dtype="float32",
                callback=self._callback,
                finished_callback=self._finished.set,
            )
            self._started_s = time.monotonic()
            self._stream.start()
        except sd.PortAudioError as error:
            self._stream = None
            raise AudioDeviceError(f"{device.name} could not be opened: {error}") from error
        log.info("recording from %s at %d Hz", device.name, self.sample_rate_hz)

    def stop(self) -> None:
        """Stop and close the stream; safe to call twice or after the device vanished."""
        self._stopping = True
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.stop()
            stream.close()
        except sd.PortAudioError as error:
            log.warning("closing %s: %s", self.name, error)
        self._finished.set()

    def check(self) -> None:
        """Raise AudioDeviceError if the device stopped delivering audio while we were running."""
        if self._stream is None or self._stopping:
            return
        if self._finished.is_set():
            raise AudioDeviceError(
                f"The sound input {self.name} stopped (was it unplugged?). "
                "What was recorded until then is kept."
            )
        since_s = time.monotonic() - (self._last_callback_s or self._started_s)
        # Before the first block a sound server may take a couple of seconds to start delivering.
        limit_s = self._stall_timeout_s if self._last_callback_s else FIRST_BLOCK_TIMEOUT_S
        if since_s > limit_s:
            raise AudioDeviceError(
                f"No sound has arrived from {self.name} for {since_s:.0f} s (was it unplugged?). "
                "What was recorded until then is kept."
            )

    def _callback(self, indata: np.ndarray, frames: int, _time: object, status: object) -> None:
        """PortAudio thread: count overflows and copy the block; nothing else."""
        if status.input_overflow:  # type: ignore[attr-defined]
            self._overflows += 1
        if self._channel is not None:
            self.ring.write(indata[:, self._channel])
        elif indata.shape[1] == 1:
            self.ring.write(indata[:, 0])
        elif frames <= self._scratch.shape[0]:
            mono = self._scratch[:frames]
            np.copyto(mono, indata[:, 0])
            for channel in range(1, indata.shape[1]):
                mono += indata[:, channel]
            mono *= 1.0 / indata.shape[1]
            self.ring.write(mono)
        else:
            self.ring.write(indata.mean(axis=1, dtype=np.float32))
        self._callbacks += 1
        self._last_callback_s = time.monotonic()
