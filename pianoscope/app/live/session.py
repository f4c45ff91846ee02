"""Choosing the live input: a microphone, or a file played as if it were one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pianoscope.audio.devices import InputDevice, list_input_devices
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
        # Resampling needs scipy: loaded when a file is played, so `pianoscope --help`, which
        # reads this module's defaults, stays light.
        from pianoscope.audio.file_source import FileSource

        return FileSource(
            choice.file, speed=choice.speed, loop=choice.loop, block_frames=choice.block_frames
        )
    return LiveInput(
        device=choice.device,
        channel=choice.channel,
        sample_rate_hz=choice.sample_rate_hz,
        block_frames=choice.block_frames,
    )


def input_devices() -> list[InputDevice]:
    """The sound inputs the settings dialog offers; raises AudioDeviceError without PortAudio."""
    return list_input_devices()
