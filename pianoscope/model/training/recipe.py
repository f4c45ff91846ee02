"""The recipe of the shipped classifier: its datasets and training settings, in one place.

`pianoscope train` and `pianoscope evaluate` use these, so the shipped weights and the model card
are reproduced by those two commands alone. The held-out split has its own seed and split name,
so none of its phrases, detunings or augmentations were seen in training.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs

from pianoscope.model.training.gan import GanConfig
from pianoscope.model.training.synth import DatasetSpec
from pianoscope.model.training.train import TrainConfig

TRAIN_SPEC = DatasetSpec(
    "train",
    seed=20_261_126,
    clips_per_class=60,
    negative_clips=1400,
    noise_clips=300,
    revoiced_clips=800,
)
VALIDATION_SPEC = DatasetSpec(
    "validation",
    seed=7_001,
    clips_per_class=5,
    negative_clips=120,
    noise_clips=30,
    revoiced_clips=80,
)
HELDOUT_SPEC = DatasetSpec(
    "heldout",
    seed=90_210,
    clips_per_class=15,
    negative_clips=240,
    noise_clips=60,
    held_out_piano_clips=400,
)


def default_cache_dir() -> Path:
    """Where rendered datasets are cached (the user's cache folder, never the repository)."""
    return Path(platformdirs.user_cache_dir("pianoscope")) / "datasets"


TRAIN_CONFIG = TrainConfig(epochs=30, batch_size=64, learning_rate=3e-3, seed=0, threads=1)

# Optional GAN augmentation (`pianoscope train --gan`); see pianoscope.model.training.gan.
GAN_CONFIG = GanConfig(steps=800, batch_size=32, learning_rate=2e-4, seed=0, threads=1)
GAN_PATCH_PROBABILITY = 0.3
