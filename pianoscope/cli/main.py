"""The `pianoscope` command: the GUI by default, sub-commands for headless work.

Each group of headless sub-commands lives in an `app/` module exposing `register(subparsers)`;
this file assembles them, so the GUI and the CLI call the same use cases. The two ways of
opening a window (no sub-command, `review FILE`) are here, importing `pianoscope.gui.launch`
only when used: the `app/` layer never knows the GUI.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pianoscope import __version__
from pianoscope.errors import PianoscopeError
from pianoscope.numeric_threads import use_one_numeric_thread

log = logging.getLogger(__name__)

COMMAND_MODULES = (
    "pianoscope.cli.audio_commands",
    "pianoscope.cli.model_commands",
    "pianoscope.cli.analysis_commands",
    "pianoscope.cli.batch_commands",
    "pianoscope.cli.library_commands",
    "pianoscope.cli.enrolment_commands",
    "pianoscope.cli.score_commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pianoscope",
        description="Record and analyse piano playing. Without a sub-command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"pianoscope {__version__}")
    parser.add_argument("--verbose", action="store_true", help="log details to stderr")
    parser.add_argument(
        "--demo", action="store_true", help="play the bundled demo recording as live input"
    )
    parser.add_argument(
        "--library",
        dest="window_library",
        metavar="PATH",
        help="library folder the window files takes in (default: the user data folder)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    review = subparsers.add_parser(
        "review", help="open a recording in the review window (waveform, analysis, comments)"
    )
    review.add_argument("file", help="recording to review (WAV, FLAC, OGG, ...)")
    review.set_defaults(run=_run_review)
    return parser


def _run_review(args: argparse.Namespace) -> int:
    from pianoscope.app.review.opening import check_readable

    check_readable(args.file)  # an unreadable file is reported before any window opens
    from pianoscope.gui.launch import run_review

    return run_review(Path(args.file))


def main(argv: Sequence[str] | None = None) -> int:
    use_one_numeric_thread()
    parser = build_parser()
    args = parser.parse_args(argv)
    # As given, so that a command can run itself again (`pinned_numerics.run_pinned`).
    args.command_line = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.command is None:
            from pianoscope.gui.launch import run_gui

            return run_gui(demo=args.demo, library_root=args.window_library)
        return int(args.run(args) or 0)
    except PianoscopeError as error:
        print(f"pianoscope: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pianoscope: cancelled", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`pianoscope analyse FILE | head`): nothing is wrong, stop quietly.
        # stdout is pointed at /dev/null so that Python's exit flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except MemoryError:
        print("pianoscope: not enough memory for this; close other programs.", file=sys.stderr)
        return 2
    except OSError as error:  # a file or folder the system refused: say which and why
        print(f"pianoscope: {_os_error_sentence(error)}", file=sys.stderr)
        return 2
    except Exception as error:  # last resort: a sentence, not a stack trace
        print(
            f"pianoscope: something went wrong that Pianoscope did not expect "
            f"({type(error).__name__}: {error}). Run again with --verbose for details "
            "and please report it.",
            file=sys.stderr,
        )
        if args.verbose:
            log.exception("the details, for a bug report")
        return 2


def _os_error_sentence(error: OSError) -> str:
    """`Permission denied: /path` and friends, as one sentence."""
    reason = error.strerror or str(error)
    where = f" ({error.filename})" if error.filename else ""
    return f"{reason[:1].upper()}{reason[1:]}{where}."
