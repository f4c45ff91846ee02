"""An append-only float32 WAV file whose header is correct after every append.

The recorder writes through this instead of libsndfile so that every byte reaches the file with a
plain `os.write` (a full disk is an OSError, not a silent short write) and the RIFF sizes are
rewritten after each chunk: killed at any moment, the file opens with everything appended so far.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np

_FORMAT_IEEE_FLOAT = 3
_BYTES_PER_SAMPLE = 4
_HEADER_BYTES = 44
_RIFF_SIZE_OFFSET = 4
_DATA_SIZE_OFFSET = 40


class WavJournal:
    """Mono float32 WAV opened for appending; `frames` counts what is safely in the file."""

    def __init__(self, path: str | Path, sample_rate_hz: int) -> None:
        self.path = Path(path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        self.frames = 0
        try:
            os.write(self._fd, _header(sample_rate_hz, 0))
        except OSError:
            self.close()
            raise

    def append(self, samples: np.ndarray) -> None:
        """Append samples and fix the header; on OSError the file still holds whole frames only."""
        data = np.ascontiguousarray(samples, dtype="<f4").tobytes()
        written = 0
        try:
            while written < len(data):
                written += os.write(self._fd, data[written:])
        finally:
            whole_frames = written // _BYTES_PER_SAMPLE
            if whole_frames * _BYTES_PER_SAMPLE != written:
                os.ftruncate(self._fd, _HEADER_BYTES + (self.frames + whole_frames) * 4)
                os.lseek(self._fd, 0, os.SEEK_END)
            self.frames += whole_frames
            self._write_sizes()

    def sync(self) -> None:
        """Force the data to the disk, so that a power cut loses nothing appended before."""
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _write_sizes(self) -> None:
        data_bytes = self.frames * _BYTES_PER_SAMPLE
        os.pwrite(self._fd, struct.pack("<I", _HEADER_BYTES - 8 + data_bytes), _RIFF_SIZE_OFFSET)
        os.pwrite(self._fd, struct.pack("<I", data_bytes), _DATA_SIZE_OFFSET)


def _header(sample_rate_hz: int, data_bytes: int) -> bytes:
    byte_rate = sample_rate_hz * _BYTES_PER_SAMPLE
    return (
        b"RIFF"
        + struct.pack("<I", _HEADER_BYTES - 8 + data_bytes)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, _FORMAT_IEEE_FLOAT, 1, sample_rate_hz, byte_rate, 4, 32)
        + b"data"
        + struct.pack("<I", data_bytes)
    )
