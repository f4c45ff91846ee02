"""`pianoscope compare-score SCORE TAKE`: a take against the piece as written.

Prints the three things to say first, the per-bar table and every finding (what the review
window's score view shows); `--json` also writes the contract of docs/score.md. The take is
transcribed with a progress line on stderr; Ctrl-C stops it and nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pianoscope.analysis.export import write_json
from pianoscope.audio.fileio import probe_audio
from pianoscope.cli.progress_line import ProgressLine
from pianoscope.score.loading import load_score
from pianoscope.score.report_text import comparison_text
from pianoscope.score.take import compare_take_file


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
    probe_audio(args.take)  # an unreadable take is reported before the score is read
    score = load_score(args.score)
    name = Path(args.take).name
    line = ProgressLine(sys.stderr)
    try:
        comparison = compare_take_file(
            score,
            args.take,
            progress=lambda fraction: line.show(
                f"comparing {name} with {score.title}: {fraction:4.0%}", force=fraction >= 1.0
            ),
        )
    finally:
        line.close()
    if args.json:
        write_json(comparison.to_json_dict(), args.json)
    print(comparison_text(comparison, name))
    return 0
