"""`pianoscope enrol`: teach the classifier the teacher's own pianos from recordings."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from pianoscope.cli.progress_line import ProgressLine
from pianoscope.errors import EnrolmentError

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    enrol = subparsers.add_parser(
        "enrol",
        help="teach the classifier your own piano(s) from one to two minutes of each",
        description="Learn your own pianos from recordings (one to two minutes each) and report "
        "how well the last fifth of each piano's audio is recognised. One piano is then told "
        'from any other piano ("another piano"); 2 to 8 pianos are told apart. With --use the '
        "live view reports these names from then on.",
    )
    enrol.add_argument(
        "--piano",
        nargs="+",
        action="append",
        default=[],
        metavar=("NAME", "FILE"),
        help="a piano's name followed by its recordings (repeat for each piano)",
    )
    enrol.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the enrolment file (default: the user data folder)",
    )
    enrol.add_argument("--use", action="store_true", help="report these pianos' names from now on")
    enrol.add_argument(
        "--use-shipped",
        action="store_true",
        help="go back to the shipped classifier's four pianos (no --piano needed)",
    )
    enrol.set_defaults(run=_run_enrol)


def _run_enrol(args: argparse.Namespace) -> int:
    from pianoscope.app.enrolment import PianoRecordings, enrol_pianos, use_enrolment

    if args.use_shipped:
        if args.piano or args.use:
            raise EnrolmentError("--use-shipped goes back to the shipped model; give no pianos.")
        use_enrolment(None)
        print("The shipped classifier's four pianos are used from now on.")
        return 0
    pianos = []
    for entry in args.piano:
        if len(entry) < 2:
            raise EnrolmentError(f"--piano {entry[0]}: name the piano, then its recordings.")
        pianos.append(PianoRecordings(entry[0], tuple(Path(file) for file in entry[1:])))
    line = ProgressLine()
    try:
        result = enrol_pianos(
            pianos,
            args.out,
            progress=lambda fraction: line.show(f"enrolling: {100 * fraction:3.0f} %"),
        )
    finally:
        line.close()
    for name in result.names:
        print(f"{name}: {result.audio_s[name]:.0f} s of recordings")
    print(
        f"Validation accuracy {100 * result.validation_accuracy:.1f} % (2-second windows of the "
        f"last fifth of each piano's audio); took {result.seconds:.1f} s."
    )
    if result.others_accepted is not None:
        print(
            f"{result.names[0]} or another piano: {100 * result.others_accepted:.1f} % of the "
            "windows of Pianoscope's own pianos would be taken for it."
        )
    if not result.reliable:
        print(result.advice)
    print(f"Saved {result.path}")
    if args.use:
        use_enrolment(result.path)
        print("These names are used from now on (`pianoscope enrol --use-shipped` to go back).")
    return 0
