"""Where a note training stands, saved so that a run stopped or cut off goes on from there.

The note network's training takes about three hours pinned, longer than one sitting, and a
process that is stopped loses its steps. A checkpoint holds everything the steps still to come
depend on: the phase under way and the steps done in it, the network's weights, Adam's moments,
the learning-rate schedule and the phase's crop generator (no step draws on torch's random
state). A run that goes on from it therefore trains the weights of a run never stopped
(tests/transcription/training/test_note_training.py). It also holds the recipe it belongs
to: going on under another recipe would train weights neither recipe trains, so that is
refused.

It is written to a temporary file and moved into place, so a run cut off while saving leaves the
previous checkpoint whole.
"""

from __future__ import annotations

import os
import pickle
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from pianoscope.errors import ModelError

# The arguments that shape the weights: step and clip counts, the hidden layers' widths.
Recipe = dict[str, int | tuple[int, ...]]


@dataclass(frozen=True)
class PhaseState:
    """A phase's optimiser, schedule and crop generator after `step` of its steps."""

    step: int
    optimiser: dict[str, Any]
    schedule: dict[str, Any]
    rng: dict[str, Any]


@dataclass(frozen=True)
class Checkpoint:
    """The training after the phases before `phase` and, within it, `state` (None: the phase
    has not begun); `recipe` names the arguments that shape the weights."""

    recipe: Recipe
    phase: int
    network: dict[str, torch.Tensor]
    state: PhaseState | None


def save_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Write `checkpoint` to `path`, replacing the previous one only once it is whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    torch.save(asdict(checkpoint), partial)
    os.replace(partial, path)


def load_checkpoint(path: Path, recipe: Recipe) -> Checkpoint:
    """The checkpoint at `path`, which must belong to `recipe`."""
    try:
        saved = torch.load(path, weights_only=True)
        state = saved["state"]
        checkpoint = Checkpoint(
            recipe=saved["recipe"],
            phase=saved["phase"],
            network=saved["network"],
            state=None if state is None else PhaseState(**state),
        )
    except (
        OSError,
        RuntimeError,
        KeyError,
        TypeError,
        pickle.UnpicklingError,
        zipfile.BadZipFile,
    ) as error:
        raise ModelError(
            f"The training checkpoint {path} cannot be read ({error}); delete it to train from "
            "the start."
        ) from error
    if checkpoint.recipe != recipe:
        raise ModelError(
            f"The training checkpoint {path} belongs to another recipe ({checkpoint.recipe}, "
            f"not {recipe}); run that recipe again to go on, or delete it to train from the start."
        )
    return checkpoint
