"""`pianoscope review FILE`: open a recording straight in the review window."""

from __future__ import annotations

import argparse
from pathlib import Path

from pianoscope.audio.fileio import probe_audio


def register(subparsers: argparse._SubParsersAction) -> None:
    review = subparsers.add_parser(
        "review", help="open a recording in the review window (waveform, analysis, comments)"
    )
    review.add_argument("file", help="recording to review (WAV, FLAC, OGG, ...)")
    review.set_defaults(run=run_review)


def run_review(args: argparse.Namespace) -> int:
    probe_audio(args.file)  # an unreadable file is reported before any window opens
    from pianoscope.gui.review_window import run_review_app

    return run_review_app(Path(args.file))
