"""kill -9 in the middle of every write path of the library loses nothing already saved.

Each write runs in a real `pianoscope` process that is killed with SIGKILL once a condition shows
it is mid-write (a half copy, a half zip, a half restore, comments still being added). Then the
library must open, with every take, file and comment saved before intact, and no half file
filed or left where it would be mistaken for a take.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from pianoscope.crash_points import ENVIRONMENT_VARIABLE
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


def test_kill_during_backup_keeps_the_previous_backup_and_the_next_open_clears_its_scratch(
    saved, tmp_path
):
    folder = tmp_path / "new"
    out = tmp_path / "backups" / "backup.zip"
    out.parent.mkdir()
    with Library.open(saved["root"]) as library:
        for index in range(TAKES):
            import_file(library, noise_take(folder / f"take{index}.wav", index + 1))
        backup(library, out)
    before = out.read_bytes()
    run_until(
        pianoscope("library", "backup", out, "--library", saved["root"]),
        lambda: sum(map(_size, out.parent.glob(".pianoscope-backup-*/backup.zip"))) > 10_000_000,
    )
    assert out.read_bytes() == before
    assert len(read_backup(out).members) == TAKES + 2  # the new takes, the first, the database
    assert list(out.parent.glob(".pianoscope-backup-*")), "the kill left the scratch folder"
    assert_nothing_saved_is_lost(saved)  # opens the library, which clears what the kill left
    assert list(out.parent.glob(".pianoscope-backup-*")) == []
    assert list(saved["root"].glob(".backup-scratch-*")) == []


def test_a_backup_killed_without_its_note_is_cleared_by_the_next_backup_there(saved, tmp_path):
    """A library on a full disk cannot hold the note that points to the scratch folder: the
    next backup into the same folder removes what nobody holds."""
    folder = tmp_path / "new"
    out = tmp_path / "backups" / "backup.zip"
    out.parent.mkdir()
    with Library.open(saved["root"]) as library:
        for index in range(TAKES):
            import_file(library, noise_take(folder / f"take{index}.wav", index + 1))
    run_until(
        pianoscope("library", "backup", out, "--library", saved["root"]),
        lambda: sum(map(_size, out.parent.glob(".pianoscope-backup-*/backup.zip"))) > 10_000_000,
    )
    for note in saved["root"].glob(".backup-scratch-*"):
        note.unlink()  # as if it could not have been written
    with Library.open(saved["root"]) as library:
        assert len(list(out.parent.glob(".pianoscope-backup-*"))) == 1
        backup(library, out)
    assert list(out.parent.glob(".pianoscope-backup-*")) == []
    assert len(read_backup(out).members) == TAKES + 2


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
    assert list(parent.glob(".lib.restoring-*")), "the kill left the half-unpacked folder"
    assert_nothing_saved_is_lost(saved)  # opens the library, which clears what the kill left
    assert list(parent.glob(".lib.restoring-*")) == []


def killed_between_the_renames(saved: dict, tmp_path: Path) -> Path:
    """Back up the library, file one more take, then restore the backup in a real process
    killed between moving the library aside and moving the restored one in; the kill leaves
    no library folder at all. Returns the library moved aside."""
    with Library.open(saved["root"]) as library:
        backup(library, tmp_path / "backup.zip")
        import_file(library, noise_take(tmp_path / "later.wav", 9))
    environment = {**os.environ, ENVIRONMENT_VARIABLE: "restore-between-renames"}
    command = pianoscope("library", "restore", tmp_path / "backup.zip", "--library", saved["root"])
    done = subprocess.run(command, env=environment, timeout=WAIT_S, capture_output=True)
    assert done.returncode == -signal.SIGKILL
    assert not saved["root"].exists()
    (previous,) = saved["root"].parent.glob("lib.before-restore-*")
    return previous


def test_kill_between_the_renames_of_a_restore_is_rolled_forward_at_the_next_open(saved, tmp_path):
    previous = killed_between_the_renames(saved, tmp_path)
    with Library.open(saved["root"]) as library:
        assert [take.id for take in library.recordings()] == [saved["id"]]  # the backup's
    assert_nothing_saved_is_lost(saved)
    with Library.open(previous) as kept:
        assert len(kept.recordings()) == 2  # the library as it was, kept beside
    parent = saved["root"].parent
    assert list(parent.glob(".lib.restoring-*")) == list(parent.glob(".lib.restore-*")) == []


def test_kill_between_the_renames_is_rolled_back_if_the_restored_copy_is_gone(saved, tmp_path):
    previous = killed_between_the_renames(saved, tmp_path)
    for staging in saved["root"].parent.glob(".lib.restoring-*"):
        shutil.rmtree(staging)
    with Library.open(saved["root"]) as library:
        assert len(library.recordings()) == 2  # the library as it was before the restore
    assert not previous.exists()
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
