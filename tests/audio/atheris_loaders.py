"""Coverage-guided fuzzing of the audio loader and the sidecar reader with atheris.

Run by tests/audio/test_fileio_fuzz.py as a subprocess (`python atheris_loaders.py -runs=N
CORPUS`); any exception other than the documented errors, a crash or a hang fails it.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from pianoscope.audio.fileio import load_audio
    from pianoscope.audio.recorder import read_sidecar, sidecar_path
    from pianoscope.errors import AudioFileError, RecordingError

SUFFIXES = (".wav", ".flac", ".ogg", ".aiff")
# A few KB of FLAC may decode to hours of audio, which load_audio holds in memory up to its
# limit (MAX_LOAD_S, three hours); ten minutes keep the harness well under libFuzzer's 2 GB.
# (Stop 54: one run reached 2056 MB before load_audio had a limit; an hour of silence at
# 1 kHz, 11 KB of FLAC, loads at a peak of 1.3 GB.)
MAX_DURATION_S = 600.0
WORK = Path(tempfile.mkdtemp(prefix="pianoscope-atheris-"))


def test_one_input(data: bytes) -> None:
    if not data:
        return
    selector, payload = data[0], data[1:]
    if selector % 5 == 4:
        take = WORK / "take.flac"
        sidecar_path(take).write_bytes(payload)
        with contextlib.suppress(RecordingError):
            read_sidecar(take)
        return
    path = WORK / f"input{SUFFIXES[selector % 4]}"
    path.write_bytes(payload)
    with contextlib.suppress(AudioFileError):
        load_audio(path, max_duration_s=MAX_DURATION_S)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
