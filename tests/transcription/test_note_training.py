"""The note network's training command, end to end on a few clips: it runs pinned and writes
weights and decoding settings that `analyse` can load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from pianoscope.pinned_numerics import numpy_cpu_dispatch
from pianoscope.transcription.network import load_weights
from pianoscope.transcription.train import SEED, NoteNetwork

HAS_AVX2 = bool(numpy_cpu_dispatch()[1].get("AVX2"))


@pytest.mark.fluidsynth
@pytest.mark.timeout(900)
def test_the_training_command_runs_pinned_and_writes_loadable_weights(tmp_path: Path) -> None:
    out = tmp_path / "notes.npz"
    command = [
        sys.executable, "-m", "pianoscope.transcription.train", "--out", str(out),
        "--steps", "2", "--continue-steps", "1", "--fine-tune-steps", "0",
        "--clips-per-piano", "1", "--emphasis-clips-per-piano", "0",
    ]  # fmt: skip
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, finished.stderr[-2000:]
    pinned = "x86-64-avx2" if HAS_AVX2 else "numpy-baseline"
    assert f"numerics pinned: {pinned}, 2 torch threads" in finished.stderr
    weights = load_weights(out)
    torch.manual_seed(SEED)  # the network as the command built it, before its three steps
    untrained = NoteNetwork().arrays()
    assert not np.array_equal(weights["conv1.weight"], untrained["conv1.weight"])
    assert 0.0 < float(weights["onset_threshold"]) < 1.0
