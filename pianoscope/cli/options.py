"""Options that several sub-commands share, declared once so their spelling cannot drift apart."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the calibration (numpy, scipy) is loaded by the commands that use it
    from pianoscope.model.calibration import Calibration

NO_LABELS_HELP = "leave the segments unlabelled (faster; no classifier, no torch)"


def add_no_labels_option(parser: argparse.ArgumentParser, help_text: str = NO_LABELS_HELP) -> None:
    """`--no-labels` (`args.no_labels`), spelt the same by every command that labels segments."""
    parser.add_argument("--no-labels", action="store_true", help=help_text)


MAX_CALIBRATION_DB = 100.0


READ_WITH_DEFAULT = "default: the calibration each take was recorded with"


def add_calibration_options(
    parser: argparse.ArgumentParser, default_help: str = READ_WITH_DEFAULT
) -> None:
    """`--calibration-db`, `--calibrate-from`, `--calibrate-passages` and `--calibrate-scale`
    (one of them): the calibration to read intensity with instead of the one each take was
    recorded with (or, for `record`, the one to keep with the take); `default_help` says what
    applies without."""
    from pianoscope.cli.numbers import RealNumber

    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--calibration-db",
        type=RealNumber("level in dB", minimum=-MAX_CALIBRATION_DB, maximum=MAX_CALIBRATION_DB),
        metavar="DB",
        help="mf calibration: the input's mf playing reads DB above the reference (what "
        f"Calibrate level shows); {default_help}",
    )
    group.add_argument(
        "--calibrate-from",
        metavar="FILE",
        help="mf calibration measured on FILE, a recording of a few mf notes on this input",
    )
    group.add_argument(
        "--calibrate-passages",
        nargs=3,
        metavar=("SOFT", "MEDIUM", "LOUD"),
        help="three-passage calibration: recordings of a soft, a medium and a loud passage "
        "(a few seconds each, made where the take was: same room, microphone and input level) "
        "map this piano's level and brightness range onto pp..ff",
    )
    group.add_argument(
        "--calibrate-scale",
        metavar="FILE",
        help="scale calibration: FILE, a recording of a chromatic scale played mf over the keys "
        "you use, gives the mf calibration and each key's level, so every note's velocity is "
        "read against its own key",
    )


def calibration_from_options(args: argparse.Namespace) -> Calibration | None:
    """The calibration the options ask for, or None (each take's own); CalibrationError or
    AudioFileError with a sentence when it cannot be measured."""
    from pathlib import Path

    from pianoscope.app.take_calibration import (
        calibration_from_db,
        calibration_from_passages,
        calibration_from_recording,
        calibration_from_scale,
    )

    if args.calibration_db is not None:
        return calibration_from_db(args.calibration_db)
    if args.calibrate_from is not None:
        return calibration_from_recording(Path(args.calibrate_from))
    if args.calibrate_passages is not None:
        return calibration_from_passages(*(Path(p) for p in args.calibrate_passages))
    if args.calibrate_scale is not None:
        return calibration_from_scale(Path(args.calibrate_scale))
    return None
