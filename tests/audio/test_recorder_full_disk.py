"""A take recorded onto a disk that really fills up: kept, and its sidecar finished too."""

from __future__ import annotations

import subprocess
import sys

import pytest
from support.full_disk import small_disk

from pianoscope.audio.fileio import probe_audio
from pianoscope.audio.recorder import journal_path, read_sidecar
from pianoscope.resources_path import demo_recording_path


@pytest.mark.parametrize("suffix", [".wav", ".flac"])
def test_a_full_disk_leaves_the_take_with_a_finished_sidecar_and_no_temporary_files(
    tmp_path, suffix
):
    with small_disk(tmp_path / "disk", size_mb=2) as disk:
        out = disk / f"t{suffix}"
        command = [sys.executable, "-m", "pianoscope", "record", str(out), "--seconds", "30"]
        command += ["--from-file", str(demo_recording_path()), "--speed", "8"]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert finished.returncode == 2, finished.stderr
        assert "Traceback" not in finished.stderr
        kept = out if out.exists() else journal_path(out)
        assert probe_audio(kept).duration_s > 2.0
        assert sorted(p.name for p in disk.iterdir() if p.name.endswith(".tmp")) == []
        assert read_sidecar(out).state != "recording"
