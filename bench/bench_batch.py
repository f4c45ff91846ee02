"""Batch throughput: recordings per minute and multiples of real time, 1 and 2 workers.

Makes eight 60-second recordings from the demo, then analyses them with a local process pool
and with a Dask LocalCluster on loopback: 1 and 2 workers of one thread, 1 of two.
Run: python bench/bench_batch.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf
from distributed import LocalCluster

from pianoscope.app.batch import run_batch
from pianoscope.audio.fileio import load_audio
from pianoscope.numeric_threads import use_one_numeric_thread
from pianoscope.resources_path import demo_recording_path

RATE = 44_100
RECORDINGS = 8
SECONDS = 60
# (workers, threads each): one process per core, and one process running a task per core (what
# `dask worker` starts on a machine by default).
DASK_LAYOUTS = ((1, 1), (2, 1), (1, 2))


def make_recordings(root: Path) -> None:
    demo = load_audio(demo_recording_path())
    take = np.tile(demo, SECONDS * RATE // demo.size + 1)[: SECONDS * RATE]
    for i in range(RECORDINGS):
        sf.write(root / f"take{i}.flac", take * (0.5 + 0.05 * i), RATE)


def report(label: str, out: Path, root: Path, **options: object) -> None:
    result = run_batch(root, out, **options)
    assert not result.failed
    per_minute = len(result.items) / result.elapsed_s * 60
    print(
        f"{label:28s} {result.elapsed_s:6.1f} s  {per_minute:6.1f} recordings/min  "
        f"{result.audio_s / result.elapsed_s:6.0f}x real time"
    )


def main() -> None:
    use_one_numeric_thread()  # as the pianoscope command does, for its worker processes too
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in"
        root.mkdir()
        make_recordings(root)
        print(f"{RECORDINGS} recordings of {SECONDS} s")
        for workers in (1, 2):
            report(
                f"process pool, {workers} worker(s)",
                Path(tmp) / f"pool{workers}",
                root,
                workers=workers,
            )
        for workers, threads in DASK_LAYOUTS:
            with LocalCluster(
                n_workers=workers,
                threads_per_worker=threads,
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster:
                report(
                    f"Dask, {workers} worker(s) x {threads} thread(s)",
                    Path(tmp) / f"dask{workers}x{threads}",
                    root,
                    scheduler=cluster.scheduler_address,
                )


if __name__ == "__main__":
    main()
