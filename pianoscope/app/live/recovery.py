"""Finding and finishing takes that a crash, `kill -9` or a power cut left unfinished.

The live window offers this at start for its recordings folder; `pianoscope recover` for any
take or folder.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import soundfile as sf

from pianoscope.audio.recorder import JOURNAL_SUFFIX, RecordingResult, find_interrupted, recover
from pianoscope.errors import PianoscopeError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recovery:
    """The takes recovered, and a readable message for each one that could not be."""

    recovered: tuple[RecordingResult, ...]
    problems: tuple[str, ...]

    @property
    def paths(self) -> list[Path]:
        return [result.path for result in self.recovered if result.path is not None]


def find_interrupted_takes(folder: Path) -> list[Path]:
    """Interrupted takes under `folder` (none if the folder does not exist yet)."""
    if not folder.is_dir():
        return []
    return find_interrupted(folder)


def interrupted_takes_at(path: Path) -> list[Path]:
    """Every interrupted take under a folder, or the one take at `path` (its journal names it
    too; whether it can be recovered is `recover_takes`'s to say)."""
    if path.name.endswith(JOURNAL_SUFFIX):
        path = path.with_name(path.name[: -len(JOURNAL_SUFFIX)])
    return find_interrupted(path) if path.is_dir() else [path]


def recover_takes(takes: list[Path]) -> Recovery:
    """Recover each take; a failure keeps its journal and says why."""
    recovered: list[RecordingResult] = []
    problems: list[str] = []
    for take in takes:
        try:
            recovered.append(recover(take))
        except (PianoscopeError, OSError, sf.LibsndfileError) as error:
            problems.append(f"{take.name} could not be recovered ({error}); its journal is kept.")
            log.error("%s", problems[-1])
    return Recovery(tuple(recovered), tuple(problems))
