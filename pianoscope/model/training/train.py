"""Training: random 2-second crops of the cached clips, four losses, weights saved safely.

Losses: cross-entropy of piano on the four known pianos' clips; of form and intensity on every
piano clip, known or not (another instrument, speech or noise has no form or intensity); binary
cross-entropies of the `known` logit (one of the four pianos?) and of the `instrument` logit (a
piano plays?) on every clip.

Intensity has two cues (see `pianoscope.model.network`). On the timbre-bearing pianos
(`sources.TIMBRE_BEARING_PIANOS` and the pool's `TIMBRE_BEARING_FAMILIES`) every window is
played at a random input gain of up to ±`timbre_gain_db` with its label kept, and a second copy
at another gain must get the same intensity distribution (a symmetric KL term): the network
learns that there level says nothing and timbre everything, so a teacher's gain knob does not
change the class. On the level-only pianos the gain stays within the calibration's error
(`AugmentConfig.gain_db`).

The weights kept are those of the epoch with the best mean validation accuracy; the `unknown`
and `piano` thresholds are then chosen on the validation set.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from pianoscope.dsp.features import FLOOR_DB
from pianoscope.model.labels import IGNORE_INDEX, PIANO_LABELS
from pianoscope.model.network import (
    DEFAULT_NETWORK,
    WINDOW_FRAMES,
    HeadLogits,
    NetworkConfig,
    PianoscopeNet,
)
from pianoscope.model.training.exact_adamw import ExactSqrtAdamW
from pianoscope.model.training.gan import PATCH_FRAMES, Generator, condition_vector, generate
from pianoscope.model.training.sources import (
    PIANO_FAMILIES,
    TIMBRE_BEARING_FAMILIES,
    TIMBRE_BEARING_PIANOS,
    instrument_name,
)
from pianoscope.model.training.synth import KIND_NEGATIVE, KIND_REVOICED, UNKNOWN_INDEX, Dataset
from pianoscope.model.weights import save_weights
from pianoscope.progress import CancelToken, ProgressCallback

log = logging.getLogger(__name__)

# Share of validation known-piano windows the `unknown` threshold must keep (see
# choose_unknown_threshold).
MIN_KNOWN_KEPT = 0.985
TIMBRE_BEARING_INDICES = [PIANO_LABELS.index(label) for label in TIMBRE_BEARING_PIANOS]
TIMBRE_BEARING_SOURCES = frozenset(
    instrument_name(source)
    for family in TIMBRE_BEARING_FAMILIES
    for source in PIANO_FAMILIES[family]
)
# Share of validation piano windows the `piano` threshold must keep: form and intensity are
# to be given for at least 98 % of piano windows.
MIN_PIANO_KEPT = 0.99


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 30
    batch_size: int = 64
    learning_rate: float = 3e-3
    weight_decay: float = 1e-4
    window_frames: int = WINDOW_FRAMES
    seed: int = 0
    threads: int = 1
    # Share of known-piano windows in which a GAN patch replaces 32 frames (0: no GAN).
    gan_patch_probability: float = 0.0
    # ± input gain on the timbre-bearing piano's windows, and the weight of the term asking two
    # gains of one window for the same intensity (see the module docstring).
    timbre_gain_db: float = 15.0
    gain_consistency_weight: float = 1.0
    # A share of every batch is played again at another input gain (up to ±identity_gain_db),
    # and must keep its piano, form and "a piano plays" answers (see `_identity_gain_copies`).
    identity_gain_db: float = 12.0
    identity_gain_share: float = 0.0
    # Weight of other instruments' clips in the "a piano plays" loss: they are the ones that
    # pass for pianos (a plucked guitar, an electric piano), yet the recipe has 1400 of them
    # against 9200 piano clips; at 4 they weigh 0.6 of the pianos instead of 0.15.
    other_instrument_weight: float = 1.0


@dataclass(frozen=True)
class EpochRecord:
    epoch: int
    loss: float
    validation_accuracy: dict[str, float]
    seconds: float


@dataclass(frozen=True)
class TrainResult:
    network: PianoscopeNet
    unknown_threshold: float
    history: tuple[EpochRecord, ...]
    piano_threshold: float = 0.5


def train_network(
    train: Dataset,
    config: TrainConfig = TrainConfig(),
    network_config: NetworkConfig = DEFAULT_NETWORK,
    *,
    validation: Dataset | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    generator: Generator | None = None,
) -> TrainResult:
    """Train a fresh network on `train`; deterministic for a given seed and thread count.

    With a GAN `generator` and `config.gan_patch_probability` > 0, generated patches are mixed
    into the training windows (see `pianoscope.model.training.gan`).
    """
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = np.random.default_rng(config.seed)
    network = PianoscopeNet(network_config)
    optimizer = ExactSqrtAdamW(
        network.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    batches_per_epoch = max(1, len(train) // config.batch_size)
    total_batches = config.epochs * batches_per_epoch
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, config.learning_rate, total_steps=total_batches
    )
    history: list[EpochRecord] = []
    best_score, best_state = -1.0, None
    for epoch in range(config.epochs):
        started = time.monotonic()
        network.train()
        order = rng.permutation(len(train))
        losses = []
        for batch in range(batches_per_epoch):
            if cancel is not None:
                cancel.check("Training")
            indices = np.sort(order[batch * config.batch_size : (batch + 1) * config.batch_size])
            inputs, targets, timbre_rows = _batch(
                train, indices, config.window_frames, rng, config.other_instrument_weight
            )
            if generator is not None and config.gan_patch_probability > 0:
                _mix_gan_patches(inputs, targets, generator, config.gan_patch_probability, rng)
            inputs, targets, pairs = _timbre_gain_pairs(inputs, targets, timbre_rows, config, rng)
            inputs, targets, copies = _identity_gain_copies(inputs, targets, config, rng)
            logits = network(inputs)
            loss = _loss(logits, targets)
            if pairs is not None:
                loss = loss + config.gain_consistency_weight * _symmetric_kl(
                    logits.intensity[pairs[0]], logits.intensity[pairs[1]]
                )
            if copies is not None:
                loss = loss + _identity_consistency(logits, *copies)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(loss.item())
            if progress is not None:
                progress((epoch * batches_per_epoch + batch + 1) / total_batches)
        accuracy = validation_accuracy(network, validation or train, config.window_frames)
        record = EpochRecord(
            epoch + 1, float(np.mean(losses)), accuracy, time.monotonic() - started
        )
        history.append(record)
        log.info("epoch %d loss %.3f validation %s", record.epoch, record.loss, accuracy)
        score = float(np.mean(list(accuracy.values())))
        if score >= best_score:
            best_score = score
            best_state = {k: v.detach().clone() for k, v in network.state_dict().items()}
    assert best_state is not None
    network.load_state_dict(best_state)
    network.eval()
    judged = validation or train
    threshold = choose_unknown_threshold(network, judged, config.window_frames)
    piano_threshold = choose_piano_threshold(network, judged, config.window_frames)
    return TrainResult(network, threshold, tuple(history), piano_threshold)


def save_training(result: TrainResult, config: TrainConfig, path: Path, *, notes: str = "") -> None:
    """Save the trained network with its threshold and training settings (see `weights`)."""
    save_weights(
        path,
        result.network,
        unknown_threshold=result.unknown_threshold,
        piano_threshold=result.piano_threshold,
        metadata={"train_config": asdict(config), "notes": notes},
    )


@torch.inference_mode()
def predict_logits(
    network: PianoscopeNet, dataset: Dataset, window_frames: int, batch_size: int = 256
) -> dict[str, np.ndarray]:
    """Head outputs for the centred window of every clip: softmax probabilities and P(known)."""
    network.eval()
    start = (dataset.features_db.shape[1] - window_frames) // 2
    outputs: dict[str, list[np.ndarray]] = {
        "piano": [],
        "form": [],
        "intensity": [],
        "known": [],
        "instrument": [],
    }
    for first in range(0, len(dataset), batch_size):
        window = dataset.features_db[first : first + batch_size, start : start + window_frames]
        logits = network(torch.from_numpy(window.astype(np.float32)))
        outputs["piano"].append(torch.softmax(logits.piano, dim=1).numpy())
        outputs["form"].append(torch.softmax(logits.form, dim=1).numpy())
        outputs["intensity"].append(torch.softmax(logits.intensity, dim=1).numpy())
        outputs["known"].append(torch.sigmoid(logits.known).numpy())
        outputs["instrument"].append(torch.sigmoid(logits.instrument).numpy())
    return {name: np.concatenate(parts) for name, parts in outputs.items()}


def validation_accuracy(
    network: PianoscopeNet, dataset: Dataset, window_frames: int
) -> dict[str, float]:
    """Accuracy of the piano head on the known pianos, of form and intensity on every piano
    clip, and of the known and instrument decisions at 0.5."""
    outputs = predict_logits(network, dataset, window_frames)
    known = dataset.piano != UNKNOWN_INDEX
    piano = dataset.instrument == 1
    result = {
        "piano": float(np.mean(outputs["piano"][known].argmax(axis=1) == dataset.piano[known]))
    }
    for head in ("form", "intensity"):
        truth = getattr(dataset, head)[piano]
        result[head] = float(np.mean(outputs[head][piano].argmax(axis=1) == truth))
    result["known"] = float(np.mean((outputs["known"] >= 0.5) == known))
    result["instrument"] = float(np.mean((outputs["instrument"] >= 0.5) == piano))
    return result


def choose_unknown_threshold(
    network: PianoscopeNet,
    dataset: Dataset,
    window_frames: int,
    min_known_kept: float = MIN_KNOWN_KEPT,
) -> float:
    """The P(known) threshold that best separates the four known pianos from other pianos on
    `dataset` (among piano windows: which piano is asked only when a piano plays), among those
    that keep at least `min_known_kept` of the known-piano windows.

    Balanced accuracy is maximised, so the many known clips do not outweigh the negatives; the
    floor on known windows is the issue's "the four known pianos keep their accuracy": a teacher
    playing one of them should almost never be told `unknown`, and noise or a room pushes real
    input a little towards `unknown` on top of what the validation set shows.
    """
    outputs = predict_logits(network, dataset, window_frames)
    pianos = (dataset.instrument == 1) & (dataset.kind != KIND_REVOICED)
    return threshold_keeping_known(
        outputs["known"][pianos], dataset.piano[pianos] != UNKNOWN_INDEX, min_known_kept
    )


def choose_piano_threshold(
    network: PianoscopeNet,
    dataset: Dataset,
    window_frames: int,
    min_piano_kept: float = MIN_PIANO_KEPT,
) -> float:
    """The P(a piano plays) threshold that best separates piano windows (known or not) from
    other instruments, speech and noise, among those keeping `min_piano_kept` of the pianos."""
    outputs = predict_logits(network, dataset, window_frames)
    return threshold_keeping_known(outputs["instrument"], dataset.instrument == 1, min_piano_kept)


def threshold_keeping_known(
    known_probability: np.ndarray, is_known: np.ndarray, min_known_kept: float
) -> float:
    """See `choose_unknown_threshold`; the lowest candidate if none keeps enough."""
    if is_known.all() or not is_known.any():
        return 0.5
    candidates = np.linspace(0.01, 0.95, 95)
    kept = np.array([np.mean(known_probability[is_known] >= t) for t in candidates])
    rejected = np.array([np.mean(known_probability[~is_known] < t) for t in candidates])
    scores = np.where(kept >= min_known_kept, 0.5 * kept + 0.5 * rejected, -1.0)
    return float(candidates[int(np.argmax(scores))])


def _batch(
    dataset: Dataset,
    indices: np.ndarray,
    window_frames: int,
    rng: np.random.Generator,
    other_instrument_weight: float = 1.0,
) -> tuple[torch.Tensor, dict[str, torch.Tensor], np.ndarray]:
    """Random crops of `window_frames` frames of the chosen clips, their targets (with each
    clip's weight in the "a piano plays" loss), and the rows of timbre-bearing pianos (see
    `_timbre_gain_pairs`)."""
    spare = dataset.features_db.shape[1] - window_frames
    offsets = rng.integers(0, spare + 1, size=indices.size)
    clips = dataset.features_db[indices]
    windows = np.stack(
        [clip[o : o + window_frames] for clip, o in zip(clips, offsets, strict=True)]
    )
    piano = dataset.piano[indices]
    targets = {
        "piano": torch.from_numpy(np.where(piano == UNKNOWN_INDEX, IGNORE_INDEX, piano)),
        "form": torch.from_numpy(dataset.form[indices]),
        "intensity": torch.from_numpy(dataset.intensity[indices]),
        "known": torch.from_numpy((piano != UNKNOWN_INDEX).astype(np.float32)),
        "instrument": torch.from_numpy(dataset.instrument[indices].astype(np.float32)),
        "instrument_weight": torch.from_numpy(
            np.where(dataset.kind[indices] == KIND_NEGATIVE, other_instrument_weight, 1.0).astype(
                np.float32
            )
        ),
    }
    timbre = np.isin(piano, TIMBRE_BEARING_INDICES) | (
        np.isin(dataset.source[indices], list(TIMBRE_BEARING_SOURCES))
        & (dataset.kind[indices] != KIND_REVOICED)
    )
    return torch.from_numpy(windows.astype(np.float32)), targets, np.flatnonzero(timbre)


def _mix_gan_patches(
    inputs: torch.Tensor,
    targets: dict[str, torch.Tensor],
    generator: Generator,
    probability: float,
    rng: np.random.Generator,
) -> None:
    """Replace a random PATCH_FRAMES stretch of some known windows by a generated patch."""
    chosen = np.flatnonzero(
        (targets["known"].numpy() > 0) & (rng.random(inputs.shape[0]) < probability)
    )
    if chosen.size == 0:
        return
    condition = condition_vector(
        targets["piano"].numpy()[chosen],
        targets["form"].numpy()[chosen],
        targets["intensity"].numpy()[chosen],
    )
    patches = generate(generator, condition, int(rng.integers(2**31)))
    starts = rng.integers(0, inputs.shape[1] - PATCH_FRAMES + 1, size=chosen.size)
    for row, start, patch in zip(chosen, starts, patches, strict=True):
        inputs[row, start : start + PATCH_FRAMES] = torch.from_numpy(patch)


def _timbre_gain_pairs(
    inputs: torch.Tensor,
    targets: dict[str, torch.Tensor],
    rows: np.ndarray,
    config: TrainConfig,
    rng: np.random.Generator,
) -> tuple[torch.Tensor, dict[str, torch.Tensor], tuple[torch.Tensor, torch.Tensor] | None]:
    """Random gains on the timbre-bearing pianos' windows (`rows`), plus a second copy of each
    at another gain; returns the batch and the (first, second) row indices of the copies."""
    if rows.size == 0 or config.timbre_gain_db <= 0:
        return inputs, targets, None
    gains = rng.uniform(-config.timbre_gain_db, config.timbre_gain_db, size=(2, rows.size))
    originals = inputs[rows]
    inputs[rows] = _with_gain(originals, gains[0])
    if config.gain_consistency_weight <= 0:
        return inputs, targets, None
    first = inputs.shape[0]
    inputs = torch.cat([inputs, _with_gain(originals, gains[1])])
    targets = {name: torch.cat([values, values[rows]]) for name, values in targets.items()}
    copies = torch.arange(first, first + rows.size)
    return inputs, targets, (torch.from_numpy(rows), copies)


def _identity_gain_copies(
    inputs: torch.Tensor,
    targets: dict[str, torch.Tensor],
    config: TrainConfig,
    rng: np.random.Generator,
) -> tuple[torch.Tensor, dict[str, torch.Tensor], tuple[torch.Tensor, torch.Tensor] | None]:
    """Copies of a random `identity_gain_share` of the batch at a random gain: which piano, its
    form and whether a piano plays do not depend on how loud the microphone is, so the copies
    keep those targets; their intensity target is dropped (the level is one of its cues)."""
    count = round(config.identity_gain_share * inputs.shape[0])
    if count == 0:
        return inputs, targets, None
    rows = np.sort(rng.choice(inputs.shape[0], size=count, replace=False))
    gains = rng.uniform(-config.identity_gain_db, config.identity_gain_db, size=count)
    first = inputs.shape[0]
    inputs = torch.cat([inputs, _with_gain(inputs[rows], gains)])
    copied = {name: values[rows] for name, values in targets.items()}
    copied["intensity"] = torch.full_like(copied["intensity"], IGNORE_INDEX)
    targets = {name: torch.cat([values, copied[name]]) for name, values in targets.items()}
    return inputs, targets, (torch.from_numpy(rows), torch.arange(first, first + count))


def _identity_consistency(
    logits: HeadLogits, originals: torch.Tensor, copies: torch.Tensor
) -> torch.Tensor:
    """Symmetric KL between a window and its gained copy for piano and form, and between
    their Bernoulli answers for "one of the four" and "a piano plays"."""
    total = _symmetric_kl(logits.piano[originals], logits.piano[copies])
    total = total + _symmetric_kl(logits.form[originals], logits.form[copies])
    for binary in (logits.known, logits.instrument):
        pair = torch.stack([binary, torch.zeros_like(binary)], dim=1)  # as two-class logits
        total = total + _symmetric_kl(pair[originals], pair[copies])
    return total


def _with_gain(windows_db: torch.Tensor, gains_db: np.ndarray) -> torch.Tensor:
    """Windows as if the input gain had been `gains_db` higher (exact above the feature floor)."""
    shift = torch.from_numpy(gains_db.astype(np.float32))[:, None, None]
    return torch.clamp(windows_db + shift, min=FLOOR_DB)


def _symmetric_kl(first_logits: torch.Tensor, second_logits: torch.Tensor) -> torch.Tensor:
    first, second = first_logits.log_softmax(dim=1), second_logits.log_softmax(dim=1)
    forward = (first.exp() * (first - second)).sum(dim=1)
    backward = (second.exp() * (second - first)).sum(dim=1)
    return 0.5 * (forward + backward).mean()


_cross_entropy = nn.CrossEntropyLoss(ignore_index=IGNORE_INDEX)


def _loss(logits: HeadLogits, targets: dict[str, torch.Tensor]) -> torch.Tensor:
    total = functional.binary_cross_entropy_with_logits(logits.known, targets["known"])
    total = total + functional.binary_cross_entropy_with_logits(
        logits.instrument, targets["instrument"], weight=targets["instrument_weight"]
    )
    for head in ("piano", "form", "intensity"):
        if bool((targets[head] != IGNORE_INDEX).any()):
            total = total + _cross_entropy(getattr(logits, head), targets[head])
    return total
