"""The calibration a take is analysed with: the one in force when it was recorded, or the
teacher's choice on the command line.

The live engine writes its calibration into the take's sidecar, and the library keeps it with
the take (`Recording.calibration`); every later analysis (analyse, batch, review, library
analysis, compare, lesson report) reads it from there, so the take's intensities are read as
the live view read them. A calibration given for the analysis (`--calibration-db`,
`--calibrate-from`, `--calibrate-passages`, `--calibrate-scale`) replaces it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pianoscope.audio.fileio import load_audio
from pianoscope.audio.recorder import read_sidecar, sidecar_path
from pianoscope.errors import CalibrationError, RecordingError
from pianoscope.model.calibration import (
    Calibration,
    CalibrationValueError,
    calibrate,
)
from pianoscope.transcription.intensity import calibrate_passages_with_notes
from pianoscope.transcription.scale_calibration import calibrate_scale

log = logging.getLogger(__name__)


def stored_calibration(take: Path) -> Calibration | None:
    """The calibration kept in the take's sidecar; None when there is none (an older take, or
    one recorded elsewhere). An unreadable one is a warning, and the take is analysed without."""
    if not sidecar_path(take).is_file():
        return None
    try:
        data = read_sidecar(take).calibration
        return None if data is None else Calibration.from_json(data)
    except (RecordingError, CalibrationValueError) as error:
        log.warning("%s: its stored calibration is not used (%s)", take.name, error)
        return None


def take_calibration(
    take: Path, *, stored: Calibration | None = None, override: Calibration | None = None
) -> Calibration | None:
    """The calibration to analyse `take` with: `override` if given (the command line's), else
    `stored` (the library's), else the take's sidecar's, else none."""
    return override or stored or stored_calibration(take)


def calibration_from_db(offset_db: float) -> Calibration:
    """The mf calibration of an input whose mf playing reads `offset_db` above the reference."""
    return Calibration(float(offset_db))


def calibration_from_recording(path: Path) -> Calibration:
    """The mf calibration measured on a recording of a few mf notes; CalibrationError when it
    is too short or silent. Raises AudioFileError for a file that cannot be read."""
    try:
        return calibrate(load_audio(path))
    except ValueError as error:
        raise CalibrationError(f"{Path(path).name} cannot calibrate: {error}.") from error


def calibration_from_scale(path: Path) -> Calibration:
    """The scale calibration measured on a recording of a chromatic scale played mf;
    CalibrationError saying what to play when it cannot be. Raises AudioFileError for a file
    that cannot be read."""
    try:
        return calibrate_scale(load_audio(path))
    except ValueError as error:
        raise CalibrationError(f"{Path(path).name} cannot calibrate: {error}.") from error


def calibration_from_passages(soft: Path, medium: Path, loud: Path) -> Calibration:
    """The three-passage calibration measured on recordings of a soft, a medium and a loud
    passage; CalibrationError with what to play differently."""
    try:
        return calibrate_passages_with_notes(*(load_audio(path) for path in (soft, medium, loud)))
    except ValueError as error:
        raise CalibrationError(f"The passages cannot calibrate: {error}.") from error
