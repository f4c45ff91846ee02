"""kill -9 in the middle of every write path of the library loses nothing already saved.

Each write runs in a real `pianoscope` process that is killed with SIGKILL once a condition shows
it is mid-write (a half copy, a half zip, a half restore, comments still being added). Then the
library must open, with every take, file and comment saved before intact, and no half file
filed or left where it would be mistaken for a take.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pianoscope.library.backup import backup, read_backup
from pianoscope.library.comment_sidecar import load_comments
from pianoscope.library.importer import import_file
from pianoscope.library.store import Library

TAKES = 8
TAKE_SAMPLES = 1_500_000  # 6 MB of float WAV each: long enough to be killed mid-copy
WAIT_S = 120


def noise_take(path: Path, seed: int) -> Path:
    samples = np.random.default_rng(seed).uniform(-0.5, 0.5, TAKE_SAMPLES).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, samples, 44_100, subtype="FLOAT")
    return path


@pytest.fixture
def saved(tmp_path) -> dict:
    """A library with one take and one comment saved before any kill, and their bytes."""
    root = tmp_path / "lib"
    with Library.open(root) as library:
        recording = import_file(library, noise_take(tmp_path / "kept.wav", 0), student="Ada")
        library.add_comment(recording.recording.id, "saved before", time_s=1.0)
        audio = library.path_of(recording.recording).read_bytes()
    return {"root": root, "id": recording.recording.id, "audio": audio}


def run_until(command: list[str], mid_write: Callable[[], bool]) -> None:
    """Start `command`, wait until `mid_write()` holds, then kill -9 it."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + WAIT_S
    try:
        while not mid_write():
            assert process.poll() is None, "the write finished before it could be killed"
            assert time.monotonic() < deadline, "the write never got going"
            time.sleep(0.001)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(WAIT_S)


def assert_nothing_saved_is_lost(saved: dict) -> None:
    with Library.open(saved["root"]) as library:
        recording = library.recording(saved["id"])
        assert library.path_of(recording).read_bytes() == saved["audio"]
        assert "saved before" in [c.text for c in library.comments(saved["id"])]
        for take in library.recordings():
            assert library.path_of(take).is_file()
    assert not list((saved["root"] / "recordings").rglob(".importing-*"))


def _size(path: Path) -> int:
    """Size of a file that may vanish meanwhile (0 then)."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def pianoscope(*args: object) -> list[str]:
    return [sys.executable, "-m", "pianoscope", *map(str, args)]


def test_kill_during_import(saved, tmp_path):
    folder = tmp_path / "new"
    for index in range(TAKES):
        noise_take(folder / f"take{index}.wav", index + 1)
    recordings = saved["root"] / "recordings"
    run_until(
        pianoscope("library", "import", folder, "--library", saved["root"]),
        lambda: (
            len(list(recordings.rglob(".importing-*"))) > 0
            and len(list(recordings.rglob("take*.wav"))) >= 2
        ),
    )
    assert_nothing_saved_is_lost(saved)


def test_kill_during_backup_keeps_the_previous_backup(saved, tmp_path):
    folder = tmp_path / "new"
    with Library.open(saved["root"]) as library:
        for index in range(TAKES):
            import_file(library, noise_take(folder / f"take{index}.wav", index + 1))
        out = tmp_path / "backup.zip"
        backup(library, out)
    before = out.read_bytes()
    partial = out.with_name(out.name + ".partial")
    run_until(
        pianoscope("library", "backup", out, "--library", saved["root"]),
        lambda: _size(partial) > 10_000_000,
    )
    assert out.read_bytes() == before
    assert len(read_backup(out).members) == TAKES + 2  # the new takes, the first, the database
    assert_nothing_saved_is_lost(saved)


def test_kill_during_restore_leaves_the_library_as_it_was(saved, tmp_path):
    folder = tmp_path / "new"
    with Library.open(saved["root"]) as library:
        for index in range(TAKES):
            import_file(library, noise_take(folder / f"take{index}.wav", index + 1))
        backup(library, tmp_path / "backup.zip")
    parent = saved["root"].parent
    run_until(
        pianoscope("library", "restore", tmp_path / "backup.zip", "--library", saved["root"]),
        lambda: any(
            sum(_size(f) for f in staging.rglob("*.wav")) > 10_000_000
            for staging in parent.glob(".lib.restoring-*")
        ),
    )
    assert_nothing_saved_is_lost(saved)


ADD_COMMENTS = """
import sys
from pianoscope.library.store import Library
with Library.open(sys.argv[1]) as library:
    for index in range(100_000):
        library.add_comment(int(sys.argv[2]), f"comment {index}", time_s=float(index))
"""

ADD_SIDECAR_COMMENTS = """
import sys
from pianoscope.library.comment_sidecar import CommentStore
store = CommentStore(sys.argv[1])
for index in range(100_000):
    store.add(float(index), f"comment {index}")
"""


def test_kill_during_comment_saves_keeps_every_comment_saved(saved, tmp_path):
    def library_comments() -> int:
        with Library.open(saved["root"]) as library:
            return len(library.comments(saved["id"]))

    run_until(
        [sys.executable, "-c", ADD_COMMENTS, str(saved["root"]), str(saved["id"])],
        lambda: library_comments() > 200,
    )
    assert library_comments() > 200
    assert_nothing_saved_is_lost(saved)

    take = tmp_path / "outside.wav"
    take.write_bytes(b"audio")
    seen: list[int] = []

    def sidecar_comments() -> bool:
        try:
            seen.append(len(load_comments(take)))
        except Exception:  # a half-written sidecar would fail here: asserted on below
            seen.append(-1)
        return seen[-1] > 200

    run_until([sys.executable, "-c", ADD_SIDECAR_COMMENTS, str(take)], sidecar_comments)
    assert min(seen) >= 0
    assert len(load_comments(take)) >= seen[-1]
