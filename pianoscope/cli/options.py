"""Options that several sub-commands share, declared once so their spelling cannot drift apart."""

from __future__ import annotations

import argparse

NO_LABELS_HELP = "leave the segments unlabelled (faster; no classifier, no torch)"


def add_no_labels_option(parser: argparse.ArgumentParser, help_text: str = NO_LABELS_HELP) -> None:
    """`--no-labels` (`args.no_labels`), spelt the same by every command that labels segments."""
    parser.add_argument("--no-labels", action="store_true", help=help_text)
