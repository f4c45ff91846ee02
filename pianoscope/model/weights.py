"""Saving and safely loading the classifier's weights file (`torch.load(weights_only=True)`).

The file is a plain dict of tensors, strings and numbers: format version, the network's sizes,
the label sets it was trained for, the feature parameters, the `unknown` threshold and free
metadata. Nothing in it can run code when loaded.
"""

from __future__ import annotations

import pickle
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from pianoscope.atomic_files import remove_stale_partials, replacing
from pianoscope.dsp.features import DEFAULT_CONFIG
from pianoscope.errors import ModelError
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, PIANO_LABELS
from pianoscope.model.network import NetworkConfig, PianoscopeNet

WEIGHTS_FORMAT = 2
MAX_WEIGHTS_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class LoadedWeights:
    network: PianoscopeNet
    unknown_threshold: float
    metadata: dict[str, object]


def save_weights(
    path: Path,
    network: PianoscopeNet,
    *,
    unknown_threshold: float,
    metadata: dict[str, object] | None = None,
) -> None:
    """Write the weights file atomically (a crash never leaves half a file, a failure no
    partial one; what a killed save left in the folder goes first: `atomic_files`)."""
    payload = {
        "format": WEIGHTS_FORMAT,
        "network": network.config.to_dict(),
        "labels": _labels(),
        "features": asdict(DEFAULT_CONFIG),
        "unknown_threshold": float(unknown_threshold),
        "metadata": metadata or {},
        "state_dict": {k: v.detach().clone() for k, v in network.state_dict().items()},
    }
    remove_stale_partials(path.parent)
    with replacing(path) as handle:
        torch.save(payload, handle)


def load_weights(path: Path) -> LoadedWeights:
    """Rebuild the network from a weights file; raises ModelError if it is missing or foreign."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError as error:
        raise ModelError(
            f"The classifier's weights ({path.name}) are missing; reinstall Pianoscope or run "
            "`pianoscope train`."
        ) from error
    except (RuntimeError, OSError, EOFError, ValueError, pickle.UnpicklingError) as error:
        raise ModelError(f"The classifier's weights ({path.name}) are damaged: {error}") from error
    if not isinstance(payload, dict) or payload.get("format") != WEIGHTS_FORMAT:
        raise ModelError(f"{path.name} is not a Pianoscope weights file of this version.")
    if payload["labels"] != _labels() or payload["features"] != asdict(DEFAULT_CONFIG):
        raise ModelError(f"{path.name} was trained for other labels or features than these.")
    network = PianoscopeNet(NetworkConfig.from_dict(payload["network"]))
    try:
        network.load_state_dict(payload["state_dict"])
    except RuntimeError as error:
        raise ModelError(f"{path.name} does not fit this version's network: {error}") from error
    network.eval()
    return LoadedWeights(network, float(payload["unknown_threshold"]), payload["metadata"])


def _labels() -> dict[str, list[str]]:
    return {
        "piano": list(PIANO_LABELS),
        "form": list(FORM_LABELS),
        "intensity": list(INTENSITY_LABELS),
    }
