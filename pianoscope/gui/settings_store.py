"""Persist the live settings, the display settings and the input choice with QSettings."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pianoscope.app.live.session import InputChoice
from pianoscope.app.live.settings import LiveSettings
from pianoscope.gui.qt import QtCore

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class DisplaySettings:
    """How the panels draw: level ranges and the spectrogram's colours."""

    spectrum_min_db: float = -120.0
    spectrum_max_db: float = 0.0
    spectrogram_min_db: float = -100.0
    spectrogram_max_db: float = -10.0
    colour_map: str = "inferno"

    def __post_init__(self) -> None:
        if self.spectrum_min_db >= self.spectrum_max_db:
            raise ValueError("the spectrum's lowest level must be below its highest")
        if self.spectrogram_min_db >= self.spectrogram_max_db:
            raise ValueError("the spectrogram's lowest level must be below its highest")


def load(qsettings: QtCore.QSettings, group: str, default: T) -> T:
    """Read a frozen dataclass from a QSettings group; invalid or missing values fall back."""
    values: dict[str, Any] = {}
    qsettings.beginGroup(group)
    try:
        for field in dataclasses.fields(default):
            if not qsettings.contains(field.name):
                continue
            raw = qsettings.value(field.name)
            try:
                values[field.name] = _convert(raw, getattr(default, field.name))
            except (TypeError, ValueError):
                log.warning("ignoring stored %s/%s = %r", group, field.name, raw)
    finally:
        qsettings.endGroup()
    try:
        return dataclasses.replace(default, **values)
    except (TypeError, ValueError) as error:
        log.warning("ignoring stored %s settings: %s", group, error)
        return default


def save(qsettings: QtCore.QSettings, group: str, value: object) -> None:
    qsettings.beginGroup(group)
    try:
        qsettings.remove("")
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if item is not None:
                qsettings.setValue(field.name, str(item) if isinstance(item, Path) else item)
    finally:
        qsettings.endGroup()


def load_live_settings(qsettings: QtCore.QSettings) -> LiveSettings:
    return load(qsettings, "live", LiveSettings())


def load_display_settings(qsettings: QtCore.QSettings) -> DisplaySettings:
    return load(qsettings, "display", DisplaySettings())


def load_input_choice(qsettings: QtCore.QSettings) -> InputChoice:
    choice = load(qsettings, "input", InputChoice())
    if choice.file is not None:  # a demo or file input is not remembered as the input
        choice = dataclasses.replace(choice, file=None)
    return choice


def _convert(raw: Any, current: Any) -> Any:
    """QSettings (INI) returns strings; turn them back into the field's type."""
    if raw is None or raw == "":
        return None
    if isinstance(current, bool):
        return str(raw).lower() in {"true", "1"}
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, float):
        return float(raw)
    if isinstance(current, str):
        return str(raw)
    text = str(raw)
    return int(text) if text.lstrip("-").isdigit() else text
