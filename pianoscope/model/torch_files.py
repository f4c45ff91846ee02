"""Pianoscope's own torch files (weights, enrolments, the other pianos): saved atomically, read
safely.

Each is a plain dict of tensors, strings and numbers. `torch.load(weights_only=True)` never runs
code from a file, whatever it holds; a save goes through `atomic_files`, so a crash leaves the
old file or the new one, never half of one, and what a killed save left goes first.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path

import torch

from pianoscope.atomic_files import remove_stale_partials, replacing


@dataclass(frozen=True)
class ReadProblems:
    """What to tell the user when the file is missing, too large or cannot be read
    (`damaged` may name the reader's error as `{error}`)."""

    missing: str
    damaged: str
    too_large: str = ""


def save_torch_dict(path: Path, payload: dict[str, object]) -> Path:
    """Write `payload` to `path` atomically; returns `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(path.parent)
    with replacing(path) as handle:
        torch.save(payload, handle)
    return path


def load_torch_dict(
    path: Path, error: type[Exception], problems: ReadProblems, max_bytes: int | None = None
) -> object:
    """What `path` holds, read with `weights_only=True`; `error` with the matching sentence of
    `problems` when it is missing, larger than `max_bytes` or unreadable. Checking that it is
    the right kind of file is the caller's."""
    try:
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise error(problems.too_large)
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError as reason:
        raise error(problems.missing) from reason
    except (RuntimeError, OSError, EOFError, ValueError, pickle.UnpicklingError) as reason:
        raise error(problems.damaged.replace("{error}", str(reason))) from reason
