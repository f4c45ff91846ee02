"""Train the note network from FluidSynth renderings: `python -m pianoscope.transcription.train`.

One command rebuilds `resources/note_model.npz` from scratch: it renders CLIPS_PER_PIANO clips
of generated content on each training piano (seeds 0 ... CLIPS_PER_PIANO - 1; the measuring
sets use seeds from 10 000 up) and EMPHASIS_CLIPS_PER_PIANO more whose content leans to the bass,
soft notes and notes under louder ones (`content.EMPHASIS_PASSAGES`, seeds from
EMPHASIS_FIRST_SEED: the shipped network missed 42 % of the validation notes below C3 and 46 %
below velocity 60), augments them, and trains for STEPS steps on random 5 s crops with torch on
TORCH_THREADS thread under a fixed seed (a second thread made each step three times slower on
the shared two-core development machine). The shipped weights took 53 minutes of training
(1.1-1.2 s a step beside one other training) plus 3 minutes of rendering; the onset loss went
from 0.035 at step 200 to 0.013 at step 800 and 0.003-0.009 from step 2200.

The decoding thresholds and the velocity reference are then chosen on validation clips
(`pianoscope.transcription.tuning`) and stored with the weights.

Losses: binary cross-entropy for onsets (positives weighted ONSET_POSITIVE_WEIGHT, as one frame
in hundreds is an onset) and frames, squared error for velocity at onset frames only.
"""

from __future__ import annotations

import argparse
import logging
import time
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from pianoscope.transcription.content import EMPHASIS_PASSAGES
from pianoscope.transcription.data import TRAINING_PIANOS, frame_targets, render_clips
from pianoscope.transcription.network import (
    CONTEXT_DILATION,
    HARMONIC_SEMITONES,
    INPUT_CHANNELS,
    LONG_HARMONIC_SEMITONES,
    PARAMETER_NAMES,
    RISE_FRAMES,
    TEMPORAL_DILATION,
)
from pianoscope.transcription.spectrogram import (
    BAND_COUNT,
    BANDS_PER_SEMITONE,
    KEY_COUNT,
    normalise_db,
    spectrogram,
)
from pianoscope.transcription.tuning import tune_decoding

log = logging.getLogger(__name__)

CLIPS_PER_PIANO = 64
EMPHASIS_CLIPS_PER_PIANO = 96
EMPHASIS_FIRST_SEED = 1000
STEPS = 2800
BATCH = 8
CROP_FRAMES = 250
LEARNING_RATE = 2e-3
ONSET_POSITIVE_WEIGHT = 8.0
TORCH_THREADS = 1
SEED = 13
WEIGHTS_NAME = "note_model.npz"
CHANNELS = (32, 40, 40, 40)


class NoteNetwork(nn.Module):
    """The torch twin of `pianoscope.transcription.network` (same parameters, same maths)."""

    def __init__(self) -> None:
        super().__init__()
        first, second, third, fourth = CHANNELS
        self.conv1 = nn.Conv2d(INPUT_CHANNELS, first, 3, padding=1)
        self.conv2 = nn.Conv2d(first, second, 3, padding=1)
        self.temporal = nn.Conv2d(
            second,
            third,
            (5, 1),
            padding=(2 * TEMPORAL_DILATION, 0),
            dilation=(TEMPORAL_DILATION, 1),
        )
        self.context = nn.Conv2d(
            third,
            fourth,
            (5, 1),
            padding=(2 * CONTEXT_DILATION, 0),
            dilation=(CONTEXT_DILATION, 1),
        )
        self.heads = nn.Conv2d(fourth, 3, 1)
        self.key_bias = nn.Parameter(torch.zeros(3, KEY_COUNT))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """(batch, frames, FEATURE_COUNT) normalised levels -> logits (batch, 3, frames, keys)."""
        keys = _key_levels(features[..., :BAND_COUNT])
        long_keys = _key_levels(features[..., BAND_COUNT:])
        first_frames = keys[:, :1].expand(-1, RISE_FRAMES, -1)
        earlier = torch.cat([first_frames, keys[:, :-RISE_FRAMES]], dim=1)[:, : keys.shape[1]]
        rises = functional.relu(keys - earlier)
        register = torch.linspace(-1.0, 1.0, KEY_COUNT).expand(keys.shape[0], 1, keys.shape[1], -1)
        stacked = torch.cat(
            [
                torch.stack([_shift(keys, s, -1.0) for s in HARMONIC_SEMITONES], dim=1),
                torch.stack([_shift(rises, s, 0.0) for s in HARMONIC_SEMITONES], dim=1),
                torch.stack([_shift(long_keys, s, -1.0) for s in LONG_HARMONIC_SEMITONES], dim=1),
                register,
                register**2,
            ],
            dim=1,
        )
        hidden = functional.relu(self.conv1(stacked))
        hidden = functional.relu(self.conv2(hidden))
        hidden = functional.relu(self.temporal(hidden))
        hidden = functional.relu(self.context(hidden))
        return self.heads(hidden) + self.key_bias[None, :, None, :]

    def arrays(self) -> dict[str, np.ndarray]:
        """The parameters by the names `network.load_weights` expects."""
        state = self.state_dict()
        return {name: state[name].detach().cpu().numpy() for name in PARAMETER_NAMES}


def _key_levels(bands: torch.Tensor) -> torch.Tensor:
    """The loudest of bands 3k - 1 ... 3k + 1 per semitone k, as `network.key_levels`."""
    padded = functional.pad(bands[..., :-1], (1, 0), value=-1.0)
    return functional.max_pool1d(padded, BANDS_PER_SEMITONE)


def _shift(keys: torch.Tensor, semitones: int, outside: float) -> torch.Tensor:
    """Keys k + shift for k in 0 ... KEY_COUNT - 1, `outside` beyond the spectrogram."""
    key_count = keys.shape[-1]
    padded = functional.pad(
        keys, (max(0, -semitones), max(0, KEY_COUNT + semitones - key_count)), value=outside
    )
    start = max(0, semitones)
    return padded[..., start : start + KEY_COUNT]


def build_training_set(
    clips_per_piano: int = CLIPS_PER_PIANO, emphasis_clips_per_piano: int = EMPHASIS_CLIPS_PER_PIANO
) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Normalised spectrograms and their targets, one pair per rendered clip."""
    features, targets = [], []
    emphasis_seeds = range(EMPHASIS_FIRST_SEED, EMPHASIS_FIRST_SEED + emphasis_clips_per_piano)
    for piano in TRAINING_PIANOS:
        started = time.perf_counter()
        clips = render_clips(piano, range(clips_per_piano)) + render_clips(
            piano, emphasis_seeds, passages=EMPHASIS_PASSAGES
        )
        for clip in clips:
            levels = normalise_db(spectrogram(clip.samples))
            features.append(levels)
            targets.append(frame_targets(clip.notes, levels.shape[0]))
        log.info("rendered %s in %.0f s", piano, time.perf_counter() - started)
    return features, targets


def train(
    out: Path,
    *,
    steps: int = STEPS,
    clips_per_piano: int = CLIPS_PER_PIANO,
    emphasis_clips_per_piano: int = EMPHASIS_CLIPS_PER_PIANO,
) -> None:
    """Train from scratch under SEED and write the weights to `out` (.npz)."""
    torch.manual_seed(SEED)
    torch.set_num_threads(TORCH_THREADS)
    rng = np.random.default_rng(SEED)
    features, targets = build_training_set(clips_per_piano, emphasis_clips_per_piano)
    network = NoteNetwork()
    optimiser = torch.optim.Adam(network.parameters(), lr=LEARNING_RATE)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, LEARNING_RATE, total_steps=steps)
    positive = torch.tensor(ONSET_POSITIVE_WEIGHT)
    started = time.perf_counter()
    for step in range(steps):
        batch_x, batch_y = _batch(features, targets, rng)
        logits = network(batch_x)
        onset, frame, velocity = batch_y.unbind(dim=1)
        onset_loss = functional.binary_cross_entropy_with_logits(
            logits[:, 0], onset, pos_weight=positive
        )
        frame_loss = functional.binary_cross_entropy_with_logits(logits[:, 1], frame)
        velocity_error = (torch.sigmoid(logits[:, 2]) - velocity) ** 2 * onset
        velocity_loss = velocity_error.sum() / onset.sum().clamp(min=1.0)
        loss = onset_loss + frame_loss + velocity_loss
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if step % 200 == 0 or step == steps - 1:
            log.info(
                "step %d: onset %.4f frame %.4f velocity %.4f (%.0f s)",
                step, onset_loss.item(), frame_loss.item(), velocity_loss.item(),
                time.perf_counter() - started,
            )  # fmt: skip
    arrays = network.arrays()
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out, **arrays, **tune_decoding(arrays).arrays())


def _batch(
    features: list[np.ndarray],
    targets: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    rng: np.random.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BATCH random crops of CROP_FRAMES: inputs (B, T, bands), targets (B, 3, T, keys)."""
    inputs, outputs = [], []
    for _ in range(BATCH):
        index = int(rng.integers(len(features)))
        start = int(rng.integers(0, features[index].shape[0] - CROP_FRAMES))
        crop = slice(start, start + CROP_FRAMES)
        inputs.append(features[index][crop])
        outputs.append(np.stack([t[crop] for t in targets[index]]))
    return torch.from_numpy(np.stack(inputs)), torch.from_numpy(np.stack(outputs))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(str(resources.files("pianoscope.resources"))) / WEIGHTS_NAME,
    )
    parser.add_argument("--steps", type=int, default=STEPS)
    parser.add_argument("--clips-per-piano", type=int, default=CLIPS_PER_PIANO)
    parser.add_argument("--emphasis-clips-per-piano", type=int, default=EMPHASIS_CLIPS_PER_PIANO)
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train(
        arguments.out,
        steps=arguments.steps,
        clips_per_piano=arguments.clips_per_piano,
        emphasis_clips_per_piano=arguments.emphasis_clips_per_piano,
    )


if __name__ == "__main__":
    main()
