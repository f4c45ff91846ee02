"""Saving and safely loading the classifier's weights file (`torch.load(weights_only=True)`).

The file is a plain dict of tensors, strings and numbers: format version, the network's sizes,
the label sets it was trained for, the feature parameters, the `unknown` threshold and free
metadata. Nothing in it can run code when loaded.

Format 3 adds the instrument head (is a piano playing?) and its `piano_threshold`; format 2
files (no instrument head) still load, so the weights shipped before it keep working.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

from pianoscope.dsp.features import DEFAULT_CONFIG
from pianoscope.errors import ModelError
from pianoscope.model.labels import (
    FORM_LABELS,
    INSTRUMENT_LABELS,
    INTENSITY_LABELS,
    PIANO_LABELS,
)
from pianoscope.model.network import NetworkConfig, PianoscopeNet
from pianoscope.model.torch_files import ReadProblems, load_torch_dict, save_torch_dict

WEIGHTS_FORMAT = 3
READABLE_FORMATS = (2, 3)
MAX_WEIGHTS_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class LoadedWeights:
    network: PianoscopeNet
    unknown_threshold: float
    metadata: dict[str, object]
    # P(a piano plays) at or above which the input counts as a piano; None without that head.
    piano_threshold: float | None = None


def save_weights(
    path: Path,
    network: PianoscopeNet,
    *,
    unknown_threshold: float,
    piano_threshold: float = 0.5,
    metadata: dict[str, object] | None = None,
) -> None:
    """Write the weights file atomically (a crash never leaves half a file, a failure no
    partial one; what a killed save left in the folder goes first: `atomic_files`)."""
    if network.instrument_head is None:
        raise ValueError("only a network with the instrument head is saved in this format")
    payload = {
        "format": WEIGHTS_FORMAT,
        "network": network.config.to_dict(),
        "labels": _labels(WEIGHTS_FORMAT),
        "features": asdict(DEFAULT_CONFIG),
        "unknown_threshold": float(unknown_threshold),
        "piano_threshold": float(piano_threshold),
        "metadata": metadata or {},
        "state_dict": {k: v.detach().clone() for k, v in network.state_dict().items()},
    }
    save_torch_dict(path, payload)


def load_weights(path: Path) -> LoadedWeights:
    """Rebuild the network from a weights file; raises ModelError if it is missing or foreign."""
    payload = load_torch_dict(path, ModelError, _read_problems(path))
    if not isinstance(payload, dict) or payload.get("format") not in READABLE_FORMATS:
        raise ModelError(f"{path.name} is not a Pianoscope weights file of this version.")
    version = payload["format"]
    if payload["labels"] != _labels(version) or payload["features"] != asdict(DEFAULT_CONFIG):
        raise ModelError(f"{path.name} was trained for other labels or features than these.")
    config = NetworkConfig.from_dict(payload["network"])
    if config.instrument_head != (version >= 3):
        raise ModelError(f"{path.name} does not fit this version's network.")
    network = PianoscopeNet(config)
    try:
        network.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        raise ModelError(f"{path.name} does not fit this version's network: {error}") from error
    network.eval()
    piano_threshold = float(payload["piano_threshold"]) if version >= 3 else None
    return LoadedWeights(
        network, float(payload["unknown_threshold"]), payload["metadata"], piano_threshold
    )


def weights_digest(path: Path) -> str:
    """16 hex digits of a SHA-256 over the file's tensors (with their names) and thresholds,
    not its metadata, which holds the training's minutes: two trainings made the same weights
    exactly when their digests agree (`bench/bench_reproducible_training.py` records the
    recipe's)."""
    payload = load_torch_dict(path, ModelError, _read_problems(path))
    digest = hashlib.sha256()
    for name, tensor in payload["state_dict"].items():
        digest.update(name.encode())
        digest.update(tensor.numpy().tobytes())
    digest.update(repr((payload["unknown_threshold"], payload.get("piano_threshold"))).encode())
    return digest.hexdigest()[:16]


def _read_problems(path: Path) -> ReadProblems:
    return ReadProblems(
        missing=f"The classifier's weights ({path.name}) are missing; reinstall Pianoscope or "
        "run `pianoscope train`.",
        damaged=f"The classifier's weights ({path.name}) are damaged: {{error}}",
    )


def _labels(version: int) -> dict[str, list[str]]:
    labels = {
        "piano": list(PIANO_LABELS),
        "form": list(FORM_LABELS),
        "intensity": list(INTENSITY_LABELS),
    }
    if version >= 3:
        labels["instrument"] = list(INSTRUMENT_LABELS)
    return labels
