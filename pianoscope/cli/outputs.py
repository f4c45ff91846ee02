"""Output files of the command line never replace a recording.

`pianoscope analyse take.wav --json take.wav` once wrote the JSON over the take. Every command
that writes files checks its outputs here first, before any work: an output may not be one of
its inputs (nothing can force that), nor an existing audio file unless `--force` is given, nor
the same path as another output.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path

from pianoscope.errors import AudioFileError, PianoscopeError

FORCE_HELP = "allow an output to replace an existing audio file (never the input itself)"


def add_force_option(parser: argparse.ArgumentParser) -> None:
    """`--force` (`args.force`), spelt the same by every command that writes outputs."""
    parser.add_argument("--force", action="store_true", help=FORCE_HELP)


def refuse_overwriting(
    inputs: Iterable[str | Path], outputs: Iterable[str | Path | None], *, force: bool
) -> None:
    """Raise PianoscopeError if writing `outputs` would destroy an input or a recording."""
    input_paths = [Path(path) for path in inputs]
    seen: list[Path] = []
    for output in (Path(path) for path in outputs if path):
        if any(_same_file(output, path) for path in input_paths):
            raise PianoscopeError(
                f"{output} is the recording being read; choose another name for the output."
            )
        if any(_same_file(output, path) for path in seen):
            raise PianoscopeError(f"{output} is given for two outputs; give each its own name.")
        seen.append(output)
        if not force and _is_audio(output):
            raise PianoscopeError(
                f"{output} is an existing recording; choose another name for the output "
                "(or add --force to replace it)."
            )


def _same_file(a: Path, b: Path) -> bool:
    """The same file on disk (hard links and symlinks included), or the same path if absent."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _is_audio(path: Path) -> bool:
    from pianoscope.app.review.opening import check_readable  # not at import: `--help` is light

    if not path.is_file():
        return False
    try:
        check_readable(path)
    except AudioFileError:
        return False
    return True
