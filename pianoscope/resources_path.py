"""Where the shipped resources (weights, demo recording) live, in a checkout or a wheel."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(name: str) -> Path:
    """Path of a file shipped in `resources/`; raises FileNotFoundError if it is not there."""
    path = Path(str(resources.files("pianoscope.resources").joinpath(name)))
    if not path.is_file():
        raise FileNotFoundError(f"Pianoscope resource {name!r} is missing from {path.parent}")
    return path


def demo_recording_path() -> Path:
    """The bundled demo recording played as live input by `pianoscope --demo`."""
    return resource_path("demo.flac")
