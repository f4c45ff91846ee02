"""The same file imported by several processes at the same moment is filed exactly once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from support.library_takes import write_take

from pianoscope.library.importer import import_file
from pianoscope.library.store import Library

PROCESSES = 6
ROUNDS = 3
WAIT_S = 120


def import_at_once(root: str, source: str, start, results) -> None:
    """One `library import`: waits at the barrier so that all of them race for real."""
    with Library.open(root) as library:
        start.wait(WAIT_S)
        results.put(import_file(library, Path(source)).duplicate)


def test_concurrent_imports_of_one_file_file_it_once(tmp_path):
    context = multiprocessing.get_context("spawn")
    root = tmp_path / "lib"
    Library.open(root).close()
    for round_ in range(ROUNDS):
        source = write_take(tmp_path / f"take{round_}.wav", seconds=2.0, freq_hz=200.0 + round_)
        start, results = context.Barrier(PROCESSES), context.Queue()
        workers = [
            context.Process(target=import_at_once, args=(str(root), str(source), start, results))
            for _ in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        duplicates = sorted(results.get(timeout=WAIT_S) for _ in workers)
        for worker in workers:
            worker.join(WAIT_S)
            assert worker.exitcode == 0
        assert duplicates == [False] + [True] * (PROCESSES - 1)
    with Library.open(root) as library:
        paths = [library.path_of(r) for r in library.recordings()]
    assert len(paths) == ROUNDS
    audio = sorted(p for p in (root / "recordings").rglob("*.wav"))
    assert audio == sorted(paths)
    assert not list((root / "recordings").rglob(".importing-*"))
