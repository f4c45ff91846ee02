"""A small conditional GAN over log-mel feature patches, an optional training augmentation.

The generator turns noise and a (piano, form, intensity) condition into a patch of 64 bands ×
32 frames (0.37 s) of log-mel features in dB; the discriminator judges patches with the same
condition broadcast as extra input channels. Training uses the non-saturating GAN loss on random
patches of the known-piano training clips. As augmentation, a generated patch with the clip's
own labels replaces a random 32-frame stretch of a training window (see
`pianoscope.model.training.train.TrainConfig.gan_patch_probability`).

Quality is reported as the Jensen-Shannon divergence between real and generated patches, taken
per mel band over histograms of the dB values and averaged over bands (base 2: 0 identical,
1 disjoint). It compares marginals only; it is a coarse check, not a full distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from pianoscope.dsp.features import N_MELS
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, PIANO_LABELS
from pianoscope.model.training.synth import KIND_KNOWN, Dataset
from pianoscope.progress import CancelToken, ProgressCallback

PATCH_FRAMES = 32
NOISE_SIZE = 32
CONDITION_SIZE = len(PIANO_LABELS) + len(FORM_LABELS) + len(INTENSITY_LABELS)
CENTRE_DB = -50.0  # patches are scaled as (dB − CENTRE_DB) / SCALE_DB inside the networks
SCALE_DB = 25.0


@dataclass(frozen=True)
class GanConfig:
    steps: int = 1500
    batch_size: int = 64
    learning_rate: float = 2e-4
    seed: int = 0
    threads: int = 1


def condition_vector(piano: np.ndarray, form: np.ndarray, intensity: np.ndarray) -> torch.Tensor:
    """One-hot (batch, CONDITION_SIZE) condition from label index arrays."""
    parts = [
        nn.functional.one_hot(torch.as_tensor(labels), count)
        for labels, count in (
            (piano, len(PIANO_LABELS)),
            (form, len(FORM_LABELS)),
            (intensity, len(INTENSITY_LABELS)),
        )
    ]
    return torch.cat(parts, dim=1).float()


class Generator(nn.Module):
    """(noise, condition) → (batch, PATCH_FRAMES, N_MELS) patch in dB."""

    def __init__(self) -> None:
        super().__init__()
        self.project = nn.Sequential(nn.Linear(NOISE_SIZE + CONDITION_SIZE, 32 * 8 * 4), nn.ReLU())
        self.upsample = nn.Sequential(
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.ConvTranspose2d(8, 1, 4, stride=2, padding=1),
        )

    def forward(self, noise: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        seed = self.project(torch.cat([noise, condition], dim=1)).view(-1, 32, 8, 4)
        scaled = self.upsample(seed).squeeze(1)  # (batch, bands, frames)
        return scaled.transpose(1, 2) * SCALE_DB + CENTRE_DB


class Discriminator(nn.Module):
    """(patch in dB, condition) → logit that the patch is real."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1 + CONDITION_SIZE, 16, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(16, 32, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
            nn.Conv2d(32, 64, 4, stride=2, padding=1),
            nn.LeakyReLU(0.2),
        )
        self.decide = nn.Linear(64 * (N_MELS // 8) * (PATCH_FRAMES // 8), 1)

    def forward(self, patch_db: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        scaled = ((patch_db - CENTRE_DB) / SCALE_DB).transpose(1, 2).unsqueeze(1)
        planes = condition[:, :, None, None].expand(-1, -1, N_MELS, PATCH_FRAMES)
        return self.decide(self.features(torch.cat([scaled, planes], dim=1)).flatten(1))[:, 0]


def random_patches(
    dataset: Dataset, count: int, rng: np.random.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` random real patches of known-piano clips and their conditions."""
    known = np.flatnonzero(dataset.kind == KIND_KNOWN)
    clips = rng.choice(known, size=count)
    starts = rng.integers(0, dataset.features_db.shape[1] - PATCH_FRAMES + 1, size=count)
    patches = np.stack(
        [dataset.features_db[c, s : s + PATCH_FRAMES] for c, s in zip(clips, starts, strict=True)]
    ).astype(np.float32)
    condition = condition_vector(
        dataset.piano[clips], dataset.form[clips], dataset.intensity[clips]
    )
    return torch.from_numpy(patches), condition


def train_gan(
    dataset: Dataset,
    config: GanConfig = GanConfig(),
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Generator:
    """Train the conditional GAN on patches of `dataset`'s known-piano clips."""
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = np.random.default_rng(config.seed)
    generator, discriminator = Generator(), Discriminator()
    betas = (0.5, 0.999)
    optimise_g = torch.optim.Adam(generator.parameters(), config.learning_rate, betas=betas)
    optimise_d = torch.optim.Adam(discriminator.parameters(), config.learning_rate, betas=betas)
    loss = nn.BCEWithLogitsLoss()
    ones, zeros = torch.ones(config.batch_size), torch.zeros(config.batch_size)
    for step in range(config.steps):
        if cancel is not None:
            cancel.check("Training the GAN")
        real, condition = random_patches(dataset, config.batch_size, rng)
        fake = generator(torch.randn(config.batch_size, NOISE_SIZE), condition)
        d_loss = loss(discriminator(real, condition), ones) + loss(
            discriminator(fake.detach(), condition), zeros
        )
        optimise_d.zero_grad()
        d_loss.backward()
        optimise_d.step()
        g_loss = loss(discriminator(fake, condition), ones)
        optimise_g.zero_grad()
        g_loss.backward()
        optimise_g.step()
        if progress is not None:
            progress((step + 1) / config.steps)
    return generator.eval()


@torch.inference_mode()
def generate(generator: Generator, condition: torch.Tensor, generator_seed: int = 0) -> np.ndarray:
    """Generated patches (batch, PATCH_FRAMES, N_MELS) in dB for the given conditions."""
    noise = torch.randn(
        condition.shape[0], NOISE_SIZE, generator=torch.Generator().manual_seed(generator_seed)
    )
    return generator.eval()(noise, condition).numpy()


def js_divergence(real_db: np.ndarray, fake_db: np.ndarray, bins: int = 40) -> float:
    """Mean over mel bands of the JS divergence (bits) of the dB-value histograms."""
    edges = np.linspace(-100.0, 0.0, bins + 1)
    divergences = []
    for band in range(real_db.shape[-1]):
        p = np.histogram(np.clip(real_db[..., band], -100, 0), edges)[0] + 1e-9
        q = np.histogram(np.clip(fake_db[..., band], -100, 0), edges)[0] + 1e-9
        p, q = p / p.sum(), q / q.sum()
        m = 0.5 * (p + q)
        divergences.append(0.5 * np.sum(p * np.log2(p / m)) + 0.5 * np.sum(q * np.log2(q / m)))
    return float(np.mean(divergences))
