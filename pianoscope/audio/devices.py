"""What sound input devices PortAudio offers, described for people rather than programs."""

from __future__ import annotations

from dataclasses import dataclass

import sounddevice as sd

from pianoscope.errors import AudioDeviceError


@dataclass(frozen=True)
class InputDevice:
    """One PortAudio device that can record."""

    index: int
    name: str
    host_api: str
    max_input_channels: int
    default_sample_rate_hz: float


def list_input_devices() -> list[InputDevice]:
    """Every device with at least one input channel; empty when there is no sound system."""
    try:
        devices = sd.query_devices()
        host_apis = sd.query_hostapis()
    except sd.PortAudioError as error:
        raise AudioDeviceError(f"The sound system could not be queried: {error}") from error
    return [
        InputDevice(
            index=int(device["index"]),
            name=str(device["name"]),
            host_api=str(host_apis[device["hostapi"]]["name"]),
            max_input_channels=int(device["max_input_channels"]),
            default_sample_rate_hz=float(device["default_samplerate"]),
        )
        for device in devices
        if device["max_input_channels"] > 0
    ]


def resolve_input_device(device: int | str | None) -> InputDevice:
    """The input device meant by an index, a (part of a) name, or None for the system default."""
    devices = list_input_devices()
    if not devices:
        raise AudioDeviceError(
            "No microphone or sound input was found. Plug one in (or check that it is enabled in "
            "the system's sound settings) and try again."
        )
    if device is None:
        try:
            default_index = sd.query_devices(kind="input")["index"]
        except (sd.PortAudioError, ValueError) as error:
            raise AudioDeviceError(
                "There is no default sound input. Choose an input device in the settings."
            ) from error
        return next((d for d in devices if d.index == default_index), devices[0])
    if isinstance(device, int) or (isinstance(device, str) and device.isdigit()):
        wanted = int(device)
        for candidate in devices:
            if candidate.index == wanted:
                return candidate
        raise AudioDeviceError(f"There is no sound input number {wanted}. {_names(devices)}")
    exact = [d for d in devices if d.name == device]
    partial = exact or [d for d in devices if device.lower() in d.name.lower()]
    if len(partial) == 1 or exact:
        return partial[0]
    if not partial:
        raise AudioDeviceError(f"There is no sound input called {device!r}. {_names(devices)}")
    raise AudioDeviceError(f"Several sound inputs match {device!r}. {_names(partial)}")


def _names(devices: list[InputDevice]) -> str:
    return "Available: " + ", ".join(f"{d.index}: {d.name}" for d in devices) + "."
