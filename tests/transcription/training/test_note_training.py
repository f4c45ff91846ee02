"""The note network's training command, end to end on a few clips: it runs pinned, writes
weights and decoding settings that `analyse` can load, and trained in two parts (the first
phase, then `--start-from` its weights) or stopped and gone on with from its checkpoint, it
gives the weights of one whole run: the shipped training takes longer than one sitting.

The first run renders its clips into a render cache; every later run reads them from there
(`render_cache`), so each comparison with the first run's weights also shows that the cache
gives what rendering gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from pianoscope.pinned_numerics import numpy_cpu_dispatch
from pianoscope.transcription.network import PARAMETER_NAMES, forward, load_weights
from pianoscope.transcription.peak_judge import PeakJudge
from pianoscope.transcription.spectrogram import FEATURE_COUNT, KEY_COUNT
from pianoscope.transcription.training.checkpoint import Checkpoint, save_checkpoint
from pianoscope.transcription.training.train import CHANNELS, SEED, NoteNetwork, main

HAS_AVX2 = bool(numpy_cpu_dispatch()[1].get("AVX2"))
# A tiny recipe: one clip per piano to train on and one to tune the decoding on, no peak
# judge (the whole run below fits a tiny one).
TINY = ["--clips-per-piano", "1", "--emphasis-clips-per-piano", "0"]
TINY += ["--validation-clips-per-piano", "1", "--fine-tune-steps", "0"]
TINY += ["--fine-tune-clips-per-piano", "1", "--widen-steps", "0"]
TINY += ["--judge-clips-per-piano", "0", "--velocity-clips-per-piano", "0"]
TINY_JUDGE = ("--judge-clips-per-piano", "1", "--judge-held-chords", "1")
TINY_JUDGE += ("--judge-single-keys", "1")
TINY_JUDGE += ("--velocity-clips-per-piano", "1")
LAYERS = ("conv1", "conv2", "temporal", "context")


def run_training(out: Path, renderings: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pianoscope.transcription.training.train", "--out", str(out)]
    command += ["--render-cache", str(renderings)]
    finished = subprocess.run(
        [*command, *TINY, *arguments], capture_output=True, text=True, check=False
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    return finished


@pytest.fixture(scope="module")
def renderings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The render cache the module's runs share, empty at first."""
    return tmp_path_factory.mktemp("renderings")


@pytest.fixture(scope="module")
def whole_run(renderings: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Two first-phase steps and one continuation step in one run, then a peak judge and a
    velocity reader fitted on a few clips, rendering every clip it trains, tunes and fits on
    into `renderings`: weights and log."""
    assert not any(renderings.iterdir())
    out = tmp_path_factory.mktemp("whole") / "notes.npz"
    recipe = ("--steps", "2", "--continue-steps", "1", *TINY_JUDGE)
    finished = run_training(out, renderings, *recipe)
    assert any(renderings.iterdir())
    return out, finished.stderr


@pytest.fixture(scope="module")
def first_phase(
    whole_run: tuple[Path, str], renderings: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The weights after the first phase's two steps alone (the clips read from the cache)."""
    out = tmp_path_factory.mktemp("first") / "notes.npz"
    run_training(out, renderings, "--steps", "2", "--continue-steps", "0")
    return out


@pytest.mark.fluidsynth
@pytest.mark.timeout(900)
def test_the_training_command_runs_pinned_and_writes_loadable_weights(
    whole_run: tuple[Path, str],
) -> None:
    out, log = whole_run
    pinned = "x86-64-avx2" if HAS_AVX2 else "numpy-baseline"
    assert f"numerics pinned: {pinned}, 2 torch threads" in log
    weights = load_weights(out)
    torch.manual_seed(SEED)  # the network as the command built it, before its three steps
    untrained = NoteNetwork().arrays()
    assert not np.array_equal(weights["conv1.weight"], untrained["conv1.weight"])
    assert 0.0 < float(weights["onset_threshold"]) < 1.0
    assert PeakJudge.of(weights) is not None
    assert "velocity reader:" in log  # fitted, or too few notes found by a network this young


@pytest.mark.fluidsynth
@pytest.mark.timeout(900)
def test_training_in_two_parts_gives_the_weights_of_one_run(
    whole_run: tuple[Path, str], first_phase: Path, renderings: Path, tmp_path: Path
) -> None:
    second = tmp_path / "second.npz"
    run_training(second, renderings, "--start-from", str(first_phase), "--continue-steps", "1")
    whole, parted = load_weights(whole_run[0]), load_weights(second)
    assert not np.array_equal(parted["conv1.weight"], load_weights(first_phase)["conv1.weight"])
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(parted[name], whole[name], err_msg=name)


@pytest.mark.fluidsynth
@pytest.mark.timeout(900)
def test_the_widening_phase_alone_from_finished_weights_gives_the_weights_of_one_run(
    first_phase: Path, renderings: Path, tmp_path: Path
) -> None:
    """The widening (the Steinway's clips added) run later from the weights of the phases
    before it, as the candidate of docs/transcription.md was made, or in the same run."""
    whole = tmp_path / "whole.npz"
    widen = ("--steps", "2", "--continue-steps", "0", "--widen-steps", "1")
    log = run_training(whole, renderings, *widen)
    assert "rendered steinway-b" in log.stderr
    widened = tmp_path / "widened.npz"
    start = ("--start-from", str(first_phase), "--start-phase", "3", "--widen-steps", "1")
    run_training(widened, renderings, *start)
    assert not np.array_equal(
        load_weights(widened)["conv1.weight"], load_weights(first_phase)["conv1.weight"]
    )
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(load_weights(widened)[name], load_weights(whole)[name])


@pytest.mark.fluidsynth
@pytest.mark.timeout(900)
def test_a_training_stopped_and_run_again_goes_on_to_the_weights_of_one_run(
    whole_run: tuple[Path, str], renderings: Path, tmp_path: Path
) -> None:
    out, checkpoint = tmp_path / "notes.npz", tmp_path / "state.pt"
    recipe = ("--steps", "2", "--continue-steps", "1", "--checkpoint", str(checkpoint))
    run_training(out, renderings, *recipe, "--max-steps", "1")  # stops inside the first phase
    assert checkpoint.exists() and not out.exists()
    # ends the first phase, stops before the next
    second = run_training(out, renderings, *recipe, "--max-steps", "1")
    assert "going on from" in second.stderr and "stopped at step 0 of phase 1" in second.stderr
    run_training(out, renderings, *recipe)
    assert not checkpoint.exists()
    whole, resumed = load_weights(whole_run[0]), load_weights(out)
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(resumed[name], whole[name], err_msg=name)


def test_the_command_refuses_a_checkpoint_of_another_recipe(tmp_path: Path) -> None:
    out, checkpoint = tmp_path / "notes.npz", tmp_path / "state.pt"
    recipe = {"steps": 2, "continue_steps": 3000, "fine_tune_steps": 0}
    recipe |= {"clips_per_piano": 1, "emphasis_clips_per_piano": 0, "channels": CHANNELS}
    recipe |= {"widen_steps": 0, "fine_tune_clips_per_piano": 1}
    save_checkpoint(checkpoint, Checkpoint(recipe, 0, NoteNetwork().state_dict(), None))
    command = [sys.executable, "-m", "pianoscope.transcription.training.train", "--out", str(out)]
    other = [*TINY, "--steps", "3", "--checkpoint", str(checkpoint)]
    refused = subprocess.run([*command, *other], capture_output=True, text=True, check=False)
    assert refused.returncode == 1
    assert "belongs to another recipe" in refused.stderr
    assert checkpoint.exists() and not out.exists()


@pytest.mark.fluidsynth
@pytest.mark.timeout(900)
def test_the_command_trains_other_widths_that_analyse_runs(
    renderings: Path, tmp_path: Path
) -> None:
    out = tmp_path / "narrow.npz"
    narrow = ("--steps", "1", "--continue-steps", "0", "--channels", "8,12,12,16")
    run_training(out, renderings, *narrow)
    weights = load_weights(out)
    widths = [weights[f"{layer}.weight"].shape[0] for layer in LAYERS]
    assert widths == [8, 12, 12, 16]
    features = np.random.default_rng(0).uniform(-1.0, 0.0, (120, FEATURE_COUNT))
    activations = forward(features.astype(np.float32), weights)
    assert activations.onset.shape == (120, KEY_COUNT)
    assert np.isfinite(activations.velocity).all()


@pytest.mark.parametrize("widths", ["48,56,56", "48,56,0,56", "wide"])
def test_the_command_refuses_widths_that_are_not_four_positive_numbers(
    widths: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["--channels", widths])
    assert refused.value.code == 2
    assert "four positive widths" in capsys.readouterr().err
