"""A note training's checkpoint: saved whole, read back as it was, refused when it cannot be
read or belongs to another recipe (the end-to-end resumption: test_note_training.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from pianoscope.errors import ModelError
from pianoscope.transcription.training.checkpoint import (
    Checkpoint,
    PhaseState,
    load_checkpoint,
    save_checkpoint,
)

RECIPE = {"steps": 5, "continue_steps": 3}


def a_checkpoint() -> Checkpoint:
    network = torch.nn.Linear(3, 2)
    optimiser = torch.optim.Adam(network.parameters())
    network(torch.ones(1, 3)).sum().backward()
    optimiser.step()
    rng = np.random.default_rng(4)
    rng.integers(10)
    state = PhaseState(1, optimiser.state_dict(), {"last_epoch": 1}, rng.bit_generator.state)
    return Checkpoint(RECIPE, 1, network.state_dict(), state)


def test_a_checkpoint_reads_back_as_it_was_saved(tmp_path: Path) -> None:
    path = tmp_path / "state.pt"
    saved = a_checkpoint()
    save_checkpoint(path, saved)
    loaded = load_checkpoint(path, RECIPE)
    assert loaded.phase == 1 and loaded.state is not None and loaded.state.step == 1
    for name, tensor in saved.network.items():
        assert torch.equal(loaded.network[name], tensor)
    assert saved.state is not None
    moments = saved.state.optimiser["state"][0]["exp_avg_sq"]
    assert torch.equal(loaded.state.optimiser["state"][0]["exp_avg_sq"], moments)
    rng = np.random.default_rng()
    rng.bit_generator.state = loaded.state.rng
    assert rng.integers(1 << 30) == np.random.default_rng(4).integers(1 << 30, size=2)[1]
    assert not path.with_name("state.pt.partial").exists()


def test_a_phase_not_begun_has_no_state(tmp_path: Path) -> None:
    path = tmp_path / "state.pt"
    save_checkpoint(path, Checkpoint(RECIPE, 2, torch.nn.Linear(3, 2).state_dict(), None))
    assert load_checkpoint(path, RECIPE).state is None


def test_a_checkpoint_of_another_recipe_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.pt"
    save_checkpoint(path, a_checkpoint())
    with pytest.raises(ModelError, match="belongs to another recipe"):
        load_checkpoint(path, {**RECIPE, "steps": 6})


def test_a_damaged_checkpoint_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "state.pt"
    save_checkpoint(path, a_checkpoint())
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ModelError, match=r"cannot be read.*delete it"):
        load_checkpoint(path, RECIPE)
