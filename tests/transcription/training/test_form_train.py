from dataclasses import replace

import numpy as np
import pytest

from pianoscope.transcription.form import NoteFormModel
from pianoscope.transcription.training.form_train import (
    CANDIDATE_HEAD_WEIGHTS,
    TRAINING_SPEC,
    train,
)


@pytest.mark.fluidsynth
def test_the_training_command_rebuilds_the_same_model_from_its_renderings(tmp_path) -> None:
    """`python -m pianoscope.transcription.training.form_train` on a few clips, twice: the same
    model bit for bit, loadable as the shipped one is, with the head's weight it chose."""
    spec = replace(TRAINING_SPEC, pool_clips=12)
    first = train(tmp_path / "first.npz", spec)
    second = train(tmp_path / "second.npz", spec)
    names = ("mean", "scale", "hidden_weights", "hidden_bias", "output_weights", "output_bias")
    for name in names:
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert first.head_weight == second.head_weight and first.head_weight in CANDIDATE_HEAD_WEIGHTS
    loaded = NoteFormModel.load(tmp_path / "first.npz")
    for name in names:
        assert np.array_equal(getattr(loaded, name), getattr(first, name))
    assert loaded.head_weight == first.head_weight
