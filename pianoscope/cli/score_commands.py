"""`pianoscope compare-score SCORE TAKE`: a take against the piece as written.

Prints the three things to say first, the per-bar table and every finding (what the review
window's score view shows); `--json` also writes the contract of docs/score.md. The take is
transcribed with a progress line on stderr; Ctrl-C stops it and nothing is written. The
analysis stack is imported inside the commands, so `pianoscope --help` does not load it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pianoscope.cli.progress_line import ProgressLine
from pianoscope.progress import ProgressCallback

if TYPE_CHECKING:  # the analysis stack is imported by the commands that run it
    from pianoscope.score.comparison import ScoreComparison


def register(subparsers: argparse._SubParsersAction) -> None:
    command = subparsers.add_parser(
        "compare-score",
        help="compare a take with its score: notes, tempo, dynamics and articulation per bar",
    )
    command.add_argument(
        "score", help="the piece as written: MusicXML (.musicxml, .xml, .mxl), MEI or MIDI"
    )
    command.add_argument("take", help="recording of the take (WAV, FLAC, OGG, ...)")
    command.add_argument(
        "--json", metavar="OUT", help="also write the comparison as JSON (docs/score.md)"
    )
    command.set_defaults(run=run_compare_score)


def run_compare_score(args: argparse.Namespace) -> int:
    from pianoscope.app.review.opening import check_readable
    from pianoscope.app.review.score import compare_with_score, read_score

    check_readable(args.take)  # an unreadable take is reported before the score is read
    score = read_score(args.score)
    name = Path(args.take).name
    comparison = with_progress_line(
        f"comparing {name} with {score.title}",
        lambda progress: compare_with_score(score, args.take, progress=progress).comparison,
    )
    print_comparison(comparison, name, args.json)
    return 0


def with_progress_line(
    what: str, work: Callable[[ProgressCallback], ScoreComparison]
) -> ScoreComparison:
    """Run `work` with a progress line on stderr saying `what` and how far it is."""
    line = ProgressLine(sys.stderr)
    try:
        return work(lambda fraction: line.show(f"{what}: {fraction:4.0%}", force=fraction >= 1.0))
    finally:
        line.close()


def print_comparison(comparison: ScoreComparison, take_name: str, json_out: str | None) -> None:
    """Write the JSON when asked, then print the comparison as text."""
    from pianoscope.app.export import export_json
    from pianoscope.score.report_text import comparison_text

    if json_out:
        export_json(comparison.to_json_dict(), json_out)
    print(comparison_text(comparison, take_name))
