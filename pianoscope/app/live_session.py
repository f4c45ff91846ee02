"""Choosing the live input and naming takes: what the window asks before the engine runs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from pianoscope.audio.file_source import FileSource
from pianoscope.audio.live_input import DEFAULT_BLOCK_FRAMES, DEFAULT_SAMPLE_RATE_HZ, LiveInput
from pianoscope.audio.source import AudioSource
from pianoscope.resources_path import demo_recording_path


@dataclass(frozen=True)
class InputChoice:
    """A microphone (device, channel, rate, block size) or a file played as live input."""

    device: int | str | None = None
    channel: int | None = None
    sample_rate_hz: int = DEFAULT_SAMPLE_RATE_HZ
    block_frames: int = DEFAULT_BLOCK_FRAMES
    file: Path | None = None
    loop: bool = True
    speed: float = 1.0

    @classmethod
    def demo(cls) -> InputChoice:
        """The bundled demo recording, looping at real-time pace."""
        return cls(file=demo_recording_path())


def open_source(choice: InputChoice) -> AudioSource:
    """The (not yet started) source for a choice."""
    if choice.file is not None:
        return FileSource(
            choice.file, speed=choice.speed, loop=choice.loop, block_frames=choice.block_frames
        )
    return LiveInput(
        device=choice.device,
        channel=choice.channel,
        sample_rate_hz=choice.sample_rate_hz,
        block_frames=choice.block_frames,
    )


def default_recordings_folder() -> Path:
    """Where takes go unless the user chose another folder."""
    return platformdirs.user_data_path("pianoscope") / "recordings"


def take_path(
    folder: Path, student: str | None, piece: str | None, when: dt.datetime | None = None
) -> Path:
    """`folder/Student/2026-11-26 14-05-09 Piece.flac`; names are made safe for any file system."""
    when = when or dt.datetime.now()
    stamp = when.strftime("%Y-%m-%d %H-%M-%S")
    name = f"{stamp} {_safe(piece)}" if piece and _safe(piece) else stamp
    return folder / (_safe(student) or "Unnamed") / f"{name}.flac"


def _safe(text: str | None) -> str:
    """Letters, digits, spaces and a few marks; no path separators or dot-names."""
    cleaned = re.sub(r"[^\w \-,'()]", "_", text or "").strip(" ._")
    return cleaned[:80]
