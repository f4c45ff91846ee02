"""Finding and finishing takes that a crash, `kill -9` or a power cut left unfinished."""

from __future__ import annotations

import logging
from pathlib import Path

import soundfile as sf

from pianoscope.audio.recorder import find_interrupted, recover
from pianoscope.errors import PianoscopeError

log = logging.getLogger(__name__)


def find_interrupted_takes(folder: Path) -> list[Path]:
    """Interrupted takes under `folder` (none if the folder does not exist yet)."""
    if not folder.is_dir():
        return []
    return find_interrupted(folder)


def recover_takes(takes: list[Path]) -> tuple[list[Path], list[str]]:
    """Recover each take; returns the recovered paths and a readable message per failure."""
    recovered: list[Path] = []
    problems: list[str] = []
    for take in takes:
        try:
            result = recover(take)
        except (PianoscopeError, OSError, sf.LibsndfileError) as error:
            problems.append(f"{take.name} could not be recovered ({error}); its journal is kept.")
            log.error("%s", problems[-1])
            continue
        recovered.append(result.path)
    return recovered, problems
