"""The classifier network: LeNet-5-style conv + pooling blocks, an LSTM over time, five heads.

The heads answer two questions. *Is a piano playing?* (`instrument`: piano, or another
instrument, speech or noise) and, when one is, *which piano?* (`piano` among the four shipped
ones, with `known` the out-of-set score that says "another piano"), *how?* (`form`) and *how
loud?* (`intensity`). Weights made before the instrument head existed load without it
(`NetworkConfig.instrument_head` False); their `known` score then stands for both questions.

Input is a window of log-mel features in dB, already moved to the training level convention by
the calibration (see `pianoscope.model.calibration`). The network splits it into two cues:

- timbre: the features minus the window's mean power level, so a gain change does not alter
  them at all; the conv blocks see only this gain-invariant spectral shape;
- level: the frames' total power relative to `REFERENCE_LEVEL_DB` (mf), its mean and its peak
  over each LSTM step (the peak keeps the onsets that pooling would smear), and the window's
  mean, fed beside the conv features into the LSTM.

Both reach every head; the intensity head learns how much to trust each (timbre where the
samples carry it, level everywhere). Each conv layer's output size follows
(map − kernel + 2·padding) / stride + 1; with 'same' padding only the pooling shrinks the map:
64 bands × 169 frames → 32 × 84 → 16 × 42 → 4 × 42, i.e. 42 LSTM steps of 128 + 3 values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

import torch
from torch import nn

from pianoscope.dsp.features import N_MELS
from pianoscope.model.calibration import REFERENCE_LEVEL_DB
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, PIANO_LABELS

DB_SCALE = 20.0  # dB per unit at the network input
SHAPE_FLOOR_DB = -80.0  # spectral shape below the window level is clipped here
WINDOW_FRAMES = 169  # one classified window: 2 s of features (dsp.features.frame_count)
TIME_REDUCTION = 4  # the two 2×2 poolings
LEVEL_CHANNELS = 3  # per LSTM step: mean and peak frame level, window level


@dataclass(frozen=True)
class NetworkConfig:
    """Sizes of the network; stored with the weights so a file always rebuilds its network."""

    n_mels: int = N_MELS
    conv_channels: tuple[int, int, int] = (8, 16, 32)
    lstm_hidden: int = 96
    dropout: float = 0.2
    instrument_head: bool = True

    def to_dict(self) -> dict[str, object]:
        values = asdict(self)
        values["conv_channels"] = list(self.conv_channels)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, object]) -> NetworkConfig:
        # Files written before the instrument head existed have no such key.
        values = {"instrument_head": False, **values}
        return cls(**{**values, "conv_channels": tuple(values["conv_channels"])})


DEFAULT_NETWORK = NetworkConfig()


class HeadLogits(NamedTuple):
    """Unnormalised outputs: (batch, 4) piano, (batch, 4) form, (batch, 5) intensity,
    (batch,) `known`, the logit that the input is one of the four pianos (out-of-set score), and
    (batch,) `instrument`, the logit that a piano (any piano) is playing; None for a network
    without the instrument head."""

    piano: torch.Tensor
    form: torch.Tensor
    intensity: torch.Tensor
    known: torch.Tensor
    instrument: torch.Tensor | None = None


class PianoscopeNet(nn.Module):
    """CNN + LSTM over (batch, frames, bands) log-mel windows in dB; see the module docstring."""

    def __init__(self, config: NetworkConfig = DEFAULT_NETWORK) -> None:
        super().__init__()
        self.config = config
        c1, c2, c3 = config.conv_channels
        self.conv = nn.Sequential(
            _conv_block(1, c1, kernel=5, pool=(2, 2)),
            _conv_block(c1, c2, kernel=5, pool=(2, 2)),
            _conv_block(c2, c3, kernel=3, pool=(4, 1)),
        )
        conv_features = c3 * (config.n_mels // 16)
        self.lstm = nn.LSTM(conv_features + LEVEL_CHANNELS, config.lstm_hidden, batch_first=True)
        self.dropout = nn.Dropout(config.dropout)
        summary = 2 * config.lstm_hidden
        self.piano_head = nn.Linear(summary, len(PIANO_LABELS))
        self.form_head = nn.Linear(summary, len(FORM_LABELS))
        self.intensity_head = nn.Linear(summary, len(INTENSITY_LABELS))
        self.known_head = nn.Linear(summary, 1)
        self.instrument_head = nn.Linear(summary, 1) if config.instrument_head else None

    def forward(self, features_db: torch.Tensor) -> HeadLogits:
        shape, level = split_cues(features_db)
        maps = self.conv(shape.transpose(1, 2).unsqueeze(1))  # (batch, channels, bands, frames)
        steps = maps.flatten(1, 2).transpose(1, 2)  # (batch, frames / 4, channels · bands)
        steps = torch.cat([steps, pool_level(level)[:, : steps.shape[1]]], dim=2)
        outputs, (hidden, _) = self.lstm(steps)
        summary = self.dropout(torch.cat([hidden[-1], outputs.mean(dim=1)], dim=1))
        return HeadLogits(
            self.piano_head(summary),
            self.form_head(summary),
            self.intensity_head(summary),
            self.known_head(summary).squeeze(1),
            None if self.instrument_head is None else self.instrument_head(summary).squeeze(1),
        )


def pool_level(level: torch.Tensor) -> torch.Tensor:
    """(batch, frames, 2) level → (batch, frames / 4, 3): frame level mean and peak per LSTM
    step, and the window level."""
    channels = level.transpose(1, 2)
    frame_level = channels[:, :1]
    pooled = torch.cat(
        [
            nn.functional.avg_pool1d(frame_level, TIME_REDUCTION),
            nn.functional.max_pool1d(frame_level, TIME_REDUCTION),
            nn.functional.avg_pool1d(channels[:, 1:], TIME_REDUCTION),
        ],
        dim=1,
    )
    return pooled.transpose(1, 2)


def split_cues(features_db: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Gain-invariant spectral shape (batch, frames, bands) and level (batch, frames, 2).

    Level channels: the frame's total power and the window's mean power, both in dB relative
    to the mf reference level, divided by `DB_SCALE`.
    """
    frame_level_db = 10.0 * portable_log10(torch.sum(10.0 ** (features_db / 10.0), dim=2))
    window_level_db = 10.0 * portable_log10(
        torch.mean(10.0 ** (frame_level_db / 10.0), dim=1, keepdim=True)
    )
    shape = torch.clamp(features_db - window_level_db.unsqueeze(2), min=SHAPE_FLOOR_DB)
    shape = shape / DB_SCALE + 2.0
    level = torch.stack([frame_level_db, window_level_db.expand_as(frame_level_db)], dim=2)
    level = torch.clamp((level - REFERENCE_LEVEL_DB) / DB_SCALE, min=-4.0)
    return shape, level


def portable_log10(values: torch.Tensor) -> torch.Tensor:
    """log10 computed in float64 and rounded to the input's precision: the same on every CPU
    tried (docs/classifier.md, "Found at stop 55").

    torch's float32 log10 has a last bit that depends on the CPU it runs on, whatever ATen's
    capability and MKL's switches (measured at stop 55 on 2^20 values: 2 differ between an AMD
    EPYC with AVX-512 and the same machine emulating an EPYC Rome, and about 250 are not
    correctly rounded on either). A training takes tens of millions of them, so nothing kept
    its weights from drifting apart between CPUs. In float64 the result, rounded to float32,
    is the correctly rounded one but for values within float64's error of a float32 tie."""
    return torch.log10(values.to(torch.float64)).to(values.dtype)


def _conv_block(
    in_channels: int, out_channels: int, *, kernel: int, pool: tuple[int, int]
) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel, padding=kernel // 2),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(),
        TilePool(pool),
    )


class TilePool(nn.MaxPool2d):
    """`nn.MaxPool2d` over non-overlapping tiles (stride = kernel) that infers ten times faster.

    Without gradients (inference, validation) the maximum is taken as an elementwise maximum of
    strided views (0.08 ms against 0.75 ms for the first two poolings of a window on one core:
    torch's CPU kernel also computes the indices a backward pass would need); the values are
    the same to the bit. With gradients it is `nn.MaxPool2d` itself, so training stays exactly
    as it was (a maximum of views would split the gradient of ties)."""

    def forward(self, maps: torch.Tensor) -> torch.Tensor:
        if torch.is_grad_enabled():
            return super().forward(maps)
        tile_h, tile_w = self.kernel_size
        height, width = maps.shape[2] // tile_h * tile_h, maps.shape[3] // tile_w * tile_w
        maps = maps[:, :, :height, :width]
        rows = maps[:, :, 0::tile_h]
        for offset in range(1, tile_h):
            rows = torch.maximum(rows, maps[:, :, offset::tile_h])
        pooled = rows[..., 0::tile_w]
        for offset in range(1, tile_w):
            pooled = torch.maximum(pooled, rows[..., offset::tile_w])
        return pooled
