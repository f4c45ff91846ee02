"""Interrupted takes are found at the next start and recovered with their metadata."""

from __future__ import annotations

import pytest
from support.crash_takes import kill_mid_take

from pianoscope.app.live.recovery import (
    find_interrupted_takes,
    interrupted_takes_at,
    recover_takes,
)
from pianoscope.audio.fileio import load_audio
from pianoscope.audio.recorder import journal_path, read_sidecar


@pytest.fixture()
def crashed_take(tmp_path):
    out = tmp_path / "recordings" / "Ada" / "take.flac"
    out.parent.mkdir(parents=True)
    kill_mid_take(out)
    return out


def test_interrupted_take_is_found_and_recovered_with_metadata(crashed_take, tmp_path):
    assert find_interrupted_takes(tmp_path / "recordings") == [crashed_take]
    recovery = recover_takes([crashed_take])
    assert (recovery.paths, recovery.problems) == ([crashed_take], ())
    assert load_audio(crashed_take).size > 44_100
    metadata = read_sidecar(crashed_take)
    assert (metadata.state, metadata.student, metadata.piece) == ("recovered", "Ada", "Nocturne")
    assert find_interrupted_takes(tmp_path / "recordings") == []


def test_a_damaged_journal_is_reported_and_kept(tmp_path):
    take = tmp_path / "broken.flac"
    journal_path(take).write_bytes(b"RIFF\x00\x00")
    recovery = recover_takes([take])
    assert recovery.recovered == ()
    assert "broken.flac could not be recovered" in recovery.problems[0]
    assert journal_path(take).exists()


def test_missing_folder_has_nothing_to_recover(tmp_path):
    assert find_interrupted_takes(tmp_path / "not yet") == []


def test_a_take_is_named_by_itself_its_journal_or_its_folder(crashed_take, tmp_path):
    assert interrupted_takes_at(crashed_take) == [crashed_take]
    assert interrupted_takes_at(journal_path(crashed_take)) == [crashed_take]
    assert interrupted_takes_at(tmp_path) == [crashed_take]
    assert interrupted_takes_at(tmp_path / "elsewhere") == [tmp_path / "elsewhere"]
