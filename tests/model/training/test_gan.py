from __future__ import annotations

import numpy as np
import torch
from support.toy_datasets import labelled_toy_dataset

from pianoscope.model.labels import IGNORE_INDEX
from pianoscope.model.training.gan import (
    CONDITION_SIZE,
    PATCH_FRAMES,
    Discriminator,
    GanConfig,
    Generator,
    condition_vector,
    generate,
    js_divergence,
    random_patches,
    train_gan,
)
from pianoscope.model.training.synth import Dataset
from pianoscope.model.training.train import _mix_gan_patches


def _toy_dataset(clips: int = 200, frames: int = 60) -> Dataset:
    """Known clips whose lit bands and level follow piano and intensity; a few unknown."""
    rng = np.random.default_rng(0)
    piano = rng.integers(0, 4, clips)
    form = rng.integers(0, 4, clips)
    intensity = rng.integers(0, 5, clips)
    features = -90.0 + rng.normal(0, 2, (clips, frames, 64))
    for i in range(clips):
        features[i, :, 8 + 12 * piano[i] : 16 + 12 * piano[i]] = -60 + 8 * intensity[i]
    unknown = np.arange(clips) % 10 == 0
    return labelled_toy_dataset(features, piano, form, intensity, unknown)


def test_generator_and_discriminator_shapes() -> None:
    condition = condition_vector(np.array([0, 3]), np.array([1, 2]), np.array([4, 0]))
    assert condition.shape == (2, CONDITION_SIZE)
    assert torch.all(condition.sum(dim=1) == 3)
    patch = Generator()(torch.randn(2, 32), condition)
    assert patch.shape == (2, PATCH_FRAMES, 64)
    assert Discriminator()(patch, condition).shape == (2,)


def test_js_divergence_is_zero_for_equal_and_one_for_disjoint_values() -> None:
    values = np.random.default_rng(0).uniform(-80, -20, (500, 64))
    assert js_divergence(values, values) < 1e-6
    assert js_divergence(np.full((100, 64), -90.0), np.full((100, 64), -10.0)) > 0.99


def test_a_short_gan_training_brings_generated_patches_closer_to_real_ones() -> None:
    dataset = _toy_dataset()
    real, condition = random_patches(dataset, 256, np.random.default_rng(1))
    torch.manual_seed(0)
    before = js_divergence(real.numpy(), generate(Generator(), condition))
    generator = train_gan(dataset, GanConfig(steps=150, batch_size=16, learning_rate=2e-3))
    after = js_divergence(real.numpy(), generate(generator, condition))
    assert after < 0.85 * before


def test_gan_patches_replace_frames_of_known_windows_only() -> None:
    inputs = torch.full((4, 80, 64), -70.0)
    targets = {
        "known": torch.tensor([1.0, 1.0, 0.0, 0.0]),
        "piano": torch.tensor([0, 1, IGNORE_INDEX, IGNORE_INDEX]),
        "form": torch.tensor([2, 3, IGNORE_INDEX, IGNORE_INDEX]),
        "intensity": torch.tensor([4, 0, IGNORE_INDEX, IGNORE_INDEX]),
    }
    torch.manual_seed(0)
    _mix_gan_patches(inputs, targets, Generator().eval(), 1.0, np.random.default_rng(0))
    changed = (inputs != -70.0).any(dim=2)
    assert changed[:2].sum(dim=1).tolist() == [PATCH_FRAMES, PATCH_FRAMES]
    assert not changed[2:].any()
