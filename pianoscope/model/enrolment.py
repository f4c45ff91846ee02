"""Enrolment: teach the classifier the teacher's own pianos by fine-tuning a new piano head.

The teacher gives one to two minutes of playing per piano (1 to 8 pianos). The shipped
network's trunk (conv blocks and LSTM) stays frozen: it already turns a 2 s window into a
summary vector that separates pianos, so only a new linear head over the teacher's names is
trained, on summaries computed once. That keeps fine-tuning to seconds on one CPU core and
cannot spoil the form and intensity heads, which keep coming from the shipped model.

Validation is by time: the last `VALIDATION_SHARE` of each piano's audio is held out and no
window straddles the split, so neighbouring, overlapping windows never sit on both sides.

The shipped `known` head cannot tell "one of your pianos" (it was trained on the four, and some
other pianos are its negatives). The enrolled classifier therefore decides `unknown` itself:
a window whose summary lies far from every enrolled piano (distance to the piano's mean in
standardised summary space, beyond what the enrolment windows reach) is called unknown.

A single piano has no head to train: `pianoscope.model.one_piano` decides "this piano or
another piano" from its distribution and from the other pianos Pianoscope ships, and from the
fingerprint of its strings (`pianoscope.model.piano_fingerprint`).

The enrolment file is a plain dict of tensors, strings and numbers (`torch.save`), loaded with
`weights_only=True`; it names the trunk it was made for, so new shipped weights ask for a new
enrolment instead of giving wrong answers.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import torch
from torch import nn

from pianoscope.dsp.features import N_MELS, SAMPLE_RATE_HZ, log_mel
from pianoscope.errors import EnrolmentError
from pianoscope.model.calibration import REFERENCE_LEVEL_DB, playing_level_db
from pianoscope.model.inference import (
    SILENCE_BELOW_MF_DB,
    WINDOW_SAMPLES,
)
from pianoscope.model.network import WINDOW_FRAMES, PianoscopeNet
from pianoscope.model.one_piano import OnePiano, fit_one_piano, mine_probability
from pianoscope.model.other_pianos import OtherPianos
from pianoscope.model.piano_fingerprint import fit_fingerprint
from pianoscope.progress import CancelToken, ProgressCallback, no_progress

log = logging.getLogger(__name__)

ENROLMENT_FORMAT = 1
ENROLMENT_KIND = "pianoscope-enrolment"
ENROLMENT_SUFFIX = ".enrolment.pt"
MAX_ENROLMENT_BYTES = 1024 * 1024
MIN_PIANOS = 1
MAX_PIANOS = 8
MAX_NAME_LENGTH = 40
MIN_SECONDS_PER_PIANO = 30.0
VALIDATION_SHARE = 0.2
WINDOW_HOP_FRAMES = 43  # a new window every ~0.5 s
# The teacher's recording level differs between enrolment and use; training the head on
# summaries of the same windows at other gains keeps the level cue from deciding the piano.
TRAINING_GAINS_DB = (-18.0, -12.0, -6.0, 0.0, 6.0, 12.0)
# A window is unknown when its distance to the nearest piano exceeds this many times the
# distance that covers `UNKNOWN_QUANTILE` of the validation windows (new playing, unlike the
# training windows the centroids were computed from, so the margin can stay small).
UNKNOWN_QUANTILE = 0.99
UNKNOWN_MARGIN = 1.1
_HEAD_PREFIXES = (
    "piano_head.",
    "form_head.",
    "intensity_head.",
    "known_head.",
    "instrument_head.",
)
_BATCH_WINDOWS = 64


@dataclass(frozen=True)
class FineTuneConfig:
    """Training of the new head: full AdamW steps over the cached summaries."""

    steps: int = 400
    learning_rate: float = 0.01
    weight_decay: float = 1e-3
    batch_size: int = 256
    seed: int = 0


@dataclass(frozen=True)
class Enrolment:
    """A trained piano head for the teacher's names and what deciding `unknown` needs.

    `centroids` are the pianos' mean summaries after standardising with `summary_mean` and
    `summary_scale`; `unknown_distance` is the RMS distance per dimension beyond which a
    window is unknown. A single piano has `one_piano` instead of a trained head (its head is
    zeros) and its `validation_accuracy` is the share of held-out windows taken for it.
    """

    names: tuple[str, ...]
    head_weight: torch.Tensor  # (pianos, summary)
    head_bias: torch.Tensor  # (pianos,)
    summary_mean: torch.Tensor  # (summary,)
    summary_scale: torch.Tensor  # (summary,)
    centroids: torch.Tensor  # (pianos, summary)
    unknown_distance: float
    trunk: str  # fingerprint of the trunk the head was trained on
    validation_accuracy: float
    metadata: dict[str, object]
    one_piano: OnePiano | None = None


# -- preparing the teacher's audio ----------------------------------------------------------


@dataclass(frozen=True)
class _Windows:
    """Feature windows (windows, frames, bands) in dB and their piano index."""

    features_db: np.ndarray
    piano: np.ndarray


def split_by_time(
    recordings: Sequence[np.ndarray], validation_share: float = VALIDATION_SHARE
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Training and validation parts of one piano's recordings: the last `validation_share` of
    the total duration (recordings taken in order) is validation; a recording crossing the
    split point is cut there, so no window can contain audio from both sides."""
    total = sum(int(r.size) for r in recordings)
    split_at = round(total * (1.0 - validation_share))
    train, validation = [], []
    start = 0
    for recording in recordings:
        end = start + recording.size
        cut = min(max(split_at - start, 0), recording.size)
        if cut > 0:
            train.append(recording[:cut])
        if cut < recording.size:
            validation.append(recording[cut:])
        start = end
    return train, validation


def cut_windows(audio: np.ndarray, hop_frames: int = WINDOW_HOP_FRAMES) -> np.ndarray:
    """Overlapping `WINDOW_FRAMES` windows (windows, frames, bands) of log-mel features in dB.

    The features of the whole part are computed once and sliced: framing is "valid", so a slice
    equals the features of that 2 s of audio computed alone. Silent windows (rests, the room
    before playing starts) are dropped, as the classifier would not label them either.
    """
    features_db = log_mel(audio)
    starts = range(0, features_db.shape[0] - WINDOW_FRAMES + 1, hop_frames)
    windows = [features_db[s : s + WINDOW_FRAMES] for s in starts]
    playing = [
        w for w in windows if playing_level_db(w) - REFERENCE_LEVEL_DB >= -SILENCE_BELOW_MF_DB
    ]
    if not playing:
        return np.zeros((0, WINDOW_FRAMES, features_db.shape[1]), dtype=np.float32)
    return np.stack(playing).astype(np.float32)


def validate_names(names: Sequence[str]) -> tuple[str, ...]:
    """The pianos' names, checked: 1 to 8 distinct, non-empty, printable, short."""
    cleaned = tuple(name.strip() if isinstance(name, str) else "" for name in names)
    if not MIN_PIANOS <= len(cleaned) <= MAX_PIANOS:
        raise EnrolmentError(f"Enrol one piano, or up to {MAX_PIANOS} (got {len(cleaned)}).")
    for name in cleaned:
        if not name or not name.isprintable() or len(name) > MAX_NAME_LENGTH:
            raise EnrolmentError(
                f"Each piano needs a name of 1 to {MAX_NAME_LENGTH} printable characters "
                f"(got {name!r})."
            )
    if len({name.casefold() for name in cleaned}) != len(cleaned):
        raise EnrolmentError("Two pianos have the same name; give each piano its own name.")
    return cleaned


# -- the trunk's summary ---------------------------------------------------------------------


def trunk_fingerprint(network: PianoscopeNet) -> str:
    """A short hash of everything but the heads: an enrolment fits exactly this trunk."""
    digest = hashlib.sha256()
    for key, value in sorted(network.state_dict().items()):
        if not key.startswith(_HEAD_PREFIXES):
            digest.update(key.encode())
            digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


@contextmanager
def _capturing_summaries(network: PianoscopeNet) -> Iterator[list[torch.Tensor]]:
    """Collect what enters the piano head (the trunk's summary) while the block runs.

    A hook instead of a copy of `forward`, so the summary is by construction the one the
    shipped heads see."""
    captured: list[torch.Tensor] = []
    handle = network.piano_head.register_forward_pre_hook(
        lambda _module, inputs: captured.append(inputs[0].detach())
    )
    try:
        yield captured
    finally:
        handle.remove()


def summaries(
    network: PianoscopeNet,
    windows_db: np.ndarray,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> torch.Tensor:
    """The trunk's summary (windows, summary) of feature windows, in eval mode (no dropout)."""
    network.eval()
    parts: list[torch.Tensor] = []
    with torch.inference_mode(), _capturing_summaries(network) as captured:
        for first in range(0, windows_db.shape[0], _BATCH_WINDOWS):
            if cancel is not None:
                cancel.check("Enrolment")
            network(torch.from_numpy(windows_db[first : first + _BATCH_WINDOWS]))
            parts.append(captured.pop())
            progress(min(1.0, (first + _BATCH_WINDOWS) / windows_db.shape[0]))
    if not parts:
        return torch.zeros((0, network.piano_head.in_features))
    return torch.cat(parts).clone()


# -- enrolling -------------------------------------------------------------------------------


def enrol(
    recordings: Mapping[str, Sequence[np.ndarray]],
    network: PianoscopeNet,
    config: FineTuneConfig = FineTuneConfig(),
    *,
    others: OtherPianos | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> Enrolment:
    """Fine-tune a piano head on the teacher's pianos: name → recordings (float32 mono, 44.1 kHz).

    A single piano needs `others`, the shipped other pianos of this trunk, instead of a head.
    Progress: features to 10 %, the trunk's summaries to 85 %, the head's training to 100 %.
    Raises EnrolmentError when the names or the audio cannot make a usable enrolment, and
    `Cancelled` when `cancel` is set.
    """
    started_s = time.monotonic()
    names = validate_names(list(recordings))
    if len(names) == 1 and others is None:
        raise EnrolmentError("Enrolling a single piano needs Pianoscope's other pianos.")
    train_parts: list[_Windows] = []
    validation_parts: list[_Windows] = []
    split_audio: list[tuple[list[np.ndarray], list[np.ndarray]]] = []
    seconds: dict[str, float] = {}
    for index, (name, given) in enumerate(zip(names, recordings.values(), strict=True)):
        audio = [np.asarray(r, dtype=np.float32).ravel() for r in given]
        seconds[name] = sum(r.size for r in audio) / SAMPLE_RATE_HZ
        if seconds[name] < MIN_SECONDS_PER_PIANO:
            raise EnrolmentError(
                f"{name}: {seconds[name]:.0f} s of audio is too little; record at least "
                f"{MIN_SECONDS_PER_PIANO:.0f} s (one to two minutes is best)."
            )
        train_audio, validation_audio = split_by_time(audio)
        split_audio.append((train_audio, validation_audio))
        train_parts.append(_labelled(train_audio, index))
        validation_parts.append(_labelled(validation_audio, index))
        for part, what in ((train_parts[-1], "training"), (validation_parts[-1], "checking")):
            if part.piano.size == 0:
                raise EnrolmentError(
                    f"{name}: nothing loud enough to learn from in the {what} part of the "
                    "recordings; play throughout the recording."
                )
        if cancel is not None:
            cancel.check("Enrolment")
        progress(0.1 * (index + 1) / len(names))
    train = _concatenate(train_parts)
    validation = _concatenate(validation_parts)

    gained = np.concatenate([train.features_db + np.float32(g) for g in TRAINING_GAINS_DB])
    gained_piano = np.tile(train.piano, len(TRAINING_GAINS_DB))
    # One piano's limits come from its held-out windows alone, so they must see the levels
    # the piano will be heard at too; a head is checked at the level it was recorded at.
    held_out_gains = TRAINING_GAINS_DB if len(names) == 1 else (0.0,)
    held_out = np.concatenate([validation.features_db + np.float32(g) for g in held_out_gains])
    all_windows = np.concatenate([gained, held_out])
    embedded = summaries(
        network,
        all_windows,
        progress=lambda f: progress(0.1 + 0.75 * f),
        cancel=cancel,
    )
    train_summary, validation_summary = embedded[: gained.shape[0]], embedded[gained.shape[0] :]
    metadata: dict[str, object] = {
        "seconds": seconds,
        "training_windows": int(train.piano.size),
        "validation_windows": int(validation.piano.size),
    }
    if len(names) == 1:
        enrolment = _one_piano_enrolment(
            names, train_summary, validation_summary, split_audio[0], others, network, metadata
        )
    else:
        enrolment = _head_enrolment(
            names,
            train_summary,
            torch.from_numpy(gained_piano),
            validation_summary,
            validation.piano,
            network,
            config,
            metadata,
            progress=progress,
            cancel=cancel,
        )
    elapsed_s = time.monotonic() - started_s
    enrolment.metadata["fine_tune_seconds"] = round(elapsed_s, 2)
    enrolment.metadata["created"] = time.strftime("%Y-%m-%d %H:%M:%S")
    log.info(
        "enrolled %s: validation accuracy %.3f in %.1f s",
        names,
        enrolment.validation_accuracy,
        elapsed_s,
    )
    progress(1.0)
    return enrolment


def _one_piano_enrolment(
    names: tuple[str, ...],
    train_summary: torch.Tensor,
    validation_summary: torch.Tensor,
    audio: tuple[list[np.ndarray], list[np.ndarray]],
    others: OtherPianos,
    network: PianoscopeNet,
    metadata: dict[str, object],
) -> Enrolment:
    """One piano: the distance test of `pianoscope.model.one_piano` and the fingerprint of
    `pianoscope.model.piano_fingerprint` from its training and held-out `audio`, instead of a
    head (the head and the per-dimension scale are neutral)."""
    fingerprint = fit_fingerprint(*audio, SAMPLE_RATE_HZ)
    decision = replace(
        fit_one_piano(train_summary, validation_summary, others), fingerprint=fingerprint
    )
    accepted = float((mine_probability(decision, validation_summary) >= 0.5).float().mean())
    width = train_summary.shape[1]
    metadata["other_pianos_accepted"] = round(decision.others_accepted, 4)
    metadata["fingerprint_agreeing_rate"] = round(fingerprint.agreeing_rate, 4)
    return Enrolment(
        names=names,
        head_weight=torch.zeros((1, width)),
        head_bias=torch.zeros(1),
        summary_mean=decision.mean.clone(),
        summary_scale=torch.ones(width),
        centroids=torch.zeros((1, width)),
        unknown_distance=decision.distance_limit,
        trunk=trunk_fingerprint(network),
        validation_accuracy=accepted,
        metadata=metadata,
        one_piano=decision,
    )


def _head_enrolment(
    names: tuple[str, ...],
    train_summary: torch.Tensor,
    train_target: torch.Tensor,
    validation_summary: torch.Tensor,
    validation_piano: np.ndarray,
    network: PianoscopeNet,
    config: FineTuneConfig,
    metadata: dict[str, object],
    *,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> Enrolment:
    """Two to eight pianos: a fine-tuned linear head and the nearest-centroid unknown test."""
    mean = train_summary.mean(dim=0)
    scale = train_summary.std(dim=0).clamp(min=1e-4)
    head = _train_head(
        (train_summary - mean) / scale,
        train_target,
        len(names),
        config,
        progress=lambda f: progress(0.85 + 0.15 * f),
        cancel=cancel,
    )
    weight = head.weight.detach() / scale  # fold the standardisation into the head
    bias = head.bias.detach() - weight @ mean
    with torch.no_grad():
        predicted = (validation_summary @ weight.T + bias).argmax(dim=1).numpy()
    accuracy = float(np.mean(predicted == validation_piano))

    standard = (train_summary - mean) / scale
    centroids = torch.stack([standard[train_target == i].mean(dim=0) for i in range(len(names))])
    distances = nearest_distance((validation_summary - mean) / scale, centroids)
    threshold = float(torch.quantile(distances, UNKNOWN_QUANTILE)) * UNKNOWN_MARGIN
    return Enrolment(
        names=names,
        head_weight=weight.clone(),
        head_bias=bias.clone(),
        summary_mean=mean.clone(),
        summary_scale=scale.clone(),
        centroids=centroids.clone(),
        unknown_distance=threshold,
        trunk=trunk_fingerprint(network),
        validation_accuracy=accuracy,
        metadata=metadata,
    )


def _labelled(parts: Sequence[np.ndarray], piano: int) -> _Windows:
    windows = [cut_windows(p) for p in parts if p.size >= WINDOW_SAMPLES]
    features = (
        np.concatenate(windows)
        if windows
        else np.zeros((0, WINDOW_FRAMES, N_MELS), dtype=np.float32)
    )
    return _Windows(features, np.full(features.shape[0], piano, dtype=np.int64))


def _concatenate(parts: Sequence[_Windows]) -> _Windows:
    return _Windows(
        np.concatenate([p.features_db for p in parts]), np.concatenate([p.piano for p in parts])
    )


def _train_head(
    inputs: torch.Tensor,
    targets: torch.Tensor,
    pianos: int,
    config: FineTuneConfig,
    *,
    progress: ProgressCallback,
    cancel: CancelToken | None,
) -> nn.Linear:
    """A linear head on standardised summaries; classes weighted so a piano with more audio
    does not win the doubtful windows."""
    generator = torch.Generator().manual_seed(config.seed)
    head = nn.Linear(inputs.shape[1], pianos)
    with torch.no_grad():
        head.weight.copy_(torch.randn(head.weight.shape, generator=generator) * 0.01)
        head.bias.zero_()
    counts = torch.bincount(targets, minlength=pianos).float()
    loss_function = nn.CrossEntropyLoss(weight=counts.sum() / (pianos * counts.clamp(min=1)))
    optimizer = torch.optim.AdamW(
        head.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    for step in range(config.steps):
        if cancel is not None and step % 20 == 0:
            cancel.check("Enrolment")
        batch = torch.randint(0, inputs.shape[0], (config.batch_size,), generator=generator)
        loss = loss_function(head(inputs[batch]), targets[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        progress((step + 1) / config.steps)
    return head


def nearest_distance(standard: torch.Tensor, centroids: torch.Tensor) -> torch.Tensor:
    """RMS distance per dimension from each standardised summary to its nearest centroid."""
    return torch.cdist(standard, centroids).min(dim=1).values / standard.shape[1] ** 0.5
