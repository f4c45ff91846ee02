"""What the commands that fit trees for a trained note network share
(`peak_judge_fit`, `velocity_fit`): which weights, which pianos, where the renderings are kept,
and writing the fitted arrays into the weights' .npz beside what it holds."""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

import numpy as np

from pianoscope.transcription.training.data import TRAINING_PIANOS
from pianoscope.transcription.training.render_cache import RenderCache
from pianoscope.transcription.transcriber import WEIGHTS_NAME


def fit_parser(description: str, fitted: str) -> argparse.ArgumentParser:
    """The commands' parser: --weights (the shipped by default), --without-widening and
    --render-cache; `fitted` names what is written into the weights."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--weights",
        type=Path,
        default=Path(str(resources.files("pianoscope.resources"))) / WEIGHTS_NAME,
        help=f"the note network's .npz; {fitted} is written into it",
    )
    parser.add_argument(
        "--without-widening",
        action="store_true",
        help="for a network trained with --widen-steps 0: leave the Steinway B out",
    )
    parser.add_argument("--render-cache", type=Path, help="keep the dry renderings here")
    return parser


def fitted_pianos(arguments: argparse.Namespace) -> tuple[str, ...]:
    """The pianos the network learnt: the training pianos, and the Steinway B unless
    --without-widening."""
    from pianoscope.transcription.training.train import WIDENING_PIANOS  # train imports us

    return TRAINING_PIANOS + (() if arguments.without_widening else WIDENING_PIANOS)


def render_cache(arguments: argparse.Namespace) -> RenderCache | None:
    return RenderCache(arguments.render_cache) if arguments.render_cache else None


def write_into(weights: Path, arrays: dict[str, np.ndarray]) -> None:
    """`arrays` added to (or replacing theirs in) the .npz at `weights`."""
    with np.load(weights, allow_pickle=False) as archive:
        kept = {name: archive[name] for name in archive.files}
    np.savez(weights, **{**kept, **arrays})
