"""What the engine needs from anything that fills the ring buffer: a microphone or a file."""

from __future__ import annotations

from typing import Protocol

from pianoscope.audio.ringbuffer import RingBuffer

DEFAULT_RING_SECONDS = 30.0


class AudioSource(Protocol):
    """A producer of mono float32 samples into `ring` at `sample_rate_hz`."""

    ring: RingBuffer

    @property
    def sample_rate_hz(self) -> int: ...

    @property
    def name(self) -> str:
        """Human name of the input (device name or file name)."""
        ...

    @property
    def overflow_count(self) -> int:
        """Input blocks the sound system dropped because we were too slow; 0 for files."""
        ...

    @property
    def running(self) -> bool: ...

    @property
    def last_block_time_s(self) -> float:
        """`time.monotonic()` when the newest block reached the ring (for latency figures)."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def check(self) -> None:
        """Raise the source's error (AudioDeviceError, AudioFileError) if it has failed."""
        ...
