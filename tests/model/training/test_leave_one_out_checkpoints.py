"""The leave-one-out models carried in `checkpoints/leave-one-out`, from which `pianoscope
evaluate --leave-one-out checkpoints/leave-one-out` writes the model card's table on a clean
checkout (before stop 54 they lived outside the repository and each session trained them
again: about an hour of both cores, rendering included)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from pianoscope.app.training import leave_one_out_note_weights, leave_one_out_weights
from pianoscope.model.training.recipe import LEFT_OUT_FAMILIES
from pianoscope.model.training.sources import STEINWAY
from pianoscope.model.weights import load_weights
from pianoscope.transcription.network import PARAMETER_NAMES
from pianoscope.transcription.network import load_weights as load_note_weights
from pianoscope.transcription.transcriber import shipped_weights

FOLDER = Path(__file__).resolve().parents[3] / "checkpoints" / "leave-one-out"

# `resources/note_model.npz` as shipped from stop 45 to stop 50 (`git show
# 25acf30:resources/note_model.npz`): trained on no clip of the Steinway B, which the network
# shipped since stop 51 heard in its last phase.
NOTES_BEFORE_THE_STEINWAY_SHA256 = (
    "f3cece1f8c1848875e355c31a1fd74fae9ef64c0d25393c4517cfe4d4ad84c68"
)


@pytest.mark.parametrize("family", LEFT_OUT_FAMILIES)
def test_each_judged_family_has_a_model_trained_without_it(family: str) -> None:
    loaded = load_weights(leave_one_out_weights(FOLDER, family))
    notes = str(loaded.metadata["notes"])
    assert f"Trained without the {family} family." in notes
    others = [f for f in LEFT_OUT_FAMILIES if f != family]
    assert not any(f"without the {other} family" in notes for other in others)


def test_the_steinway_is_judged_by_the_note_network_that_never_heard_it() -> None:
    path = leave_one_out_note_weights(FOLDER, STEINWAY)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == NOTES_BEFORE_THE_STEINWAY_SHA256
    before, shipped = load_note_weights(path), shipped_weights()
    assert any(not np.array_equal(before[name], shipped[name]) for name in PARAMETER_NAMES)
