"""Importing audio into the library: copied under student/piece, duplicates once, links never."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from support.library_takes import write_take

from pianoscope.errors import LibraryError
from pianoscope.library.importer import (
    file_take,
    import_file,
    import_folder,
    recording_folder,
)
from pianoscope.model.calibration import Calibration


def test_import_copies_the_file_under_student_and_piece_and_files_it(library, take_factory):
    source = take_factory("lesson.WAV", seconds=1.5)
    result = import_file(library, source, student="Ada", piece="Minuet in G")
    assert not result.duplicate and source.is_file()
    recording = result.recording
    assert recording.path == "recordings/Ada/Minuet in G/lesson.wav"
    assert library.path_of(recording).read_bytes() == source.read_bytes()
    assert (recording.student, recording.piece) == ("Ada", "Minuet in G")
    assert recording.duration_s == pytest.approx(1.5)
    assert recording.sample_rate_hz == 44_100
    assert recording.session_id is not None
    assert not list(library.path_of(recording).parent.glob(".importing-*"))


def test_the_sidecar_supplies_date_device_student_and_piece_and_travels_along(
    library, take_factory
):
    source = take_factory("take.flac", student="Ben", piece="Waltz", device="USB mic")
    recording = import_file(library, source).recording
    assert (recording.student, recording.piece, recording.device) == ("Ben", "Waltz", "USB mic")
    assert recording.recorded_at == dt.datetime(2026, 11, 20, 15, 30, tzinfo=dt.timezone.utc)
    copied = library.path_of(recording)
    assert copied.with_name(copied.name + ".json").is_file()


def test_the_same_audio_imported_twice_is_filed_once(library, take_factory, tmp_path):
    source = take_factory("a.wav")
    first = import_file(library, source, student="Ada", piece="Minuet")
    copy = tmp_path / "elsewhere" / "renamed.wav"
    copy.parent.mkdir()
    copy.write_bytes(source.read_bytes())
    second = import_file(library, copy, student="Ben", piece="Waltz")
    assert second.duplicate and second.recording == first.recording
    assert len(library.recordings()) == 1
    assert not (library.root / "recordings" / "Ben").exists() or not any(
        (library.root / "recordings" / "Ben").rglob("*.wav")
    )


def test_different_takes_with_the_same_name_get_distinct_files(library, take_factory, tmp_path):
    first = import_file(library, take_factory("take.wav", freq_hz=440.0), student="A", piece="P")
    other = write_take(tmp_path / "second" / "take.wav", freq_hz=523.0)
    second = import_file(library, other, student="A", piece="P")
    assert first.recording.path != second.recording.path
    assert second.recording.path.endswith("take (2).wav")


def test_a_file_that_is_not_audio_is_refused_and_nothing_is_left_behind(library, tmp_path):
    bogus = tmp_path / "notes.wav"
    bogus.write_bytes(b"RIFF but not really")
    with pytest.raises(LibraryError, match=r"notes\.wav was not imported"):
        import_file(library, bogus, student="Ada", piece="Minuet")
    assert library.recordings() == []
    assert not any(p.is_file() for p in (library.root / "recordings").rglob("*"))


def test_student_and_piece_names_cannot_make_paths_outside_the_library(library, take_factory):
    source = take_factory("a.wav")
    recording = import_file(library, source, student="../../etc", piece="/tmp/x").recording
    target = library.path_of(recording)
    assert target.resolve().is_relative_to((library.root / "recordings").resolve())
    assert recording.student == "../../etc"


def test_folder_import_takes_audio_skips_bad_files_and_does_not_follow_links(library, tmp_path):
    folder = tmp_path / "old takes"
    write_take(folder / "one.wav", freq_hz=300.0)
    write_take(folder / "sub" / "two.flac", freq_hz=350.0)
    (folder / "readme.txt").write_text("not audio")
    (folder / "broken.wav").write_bytes(b"nonsense")
    outside = write_take(tmp_path / "private" / "secret.wav", freq_hz=400.0)
    os.symlink(outside, folder / "link.wav")
    os.symlink(outside.parent, folder / "linked folder")
    result = import_folder(library, folder, student="Ada", piece="Etude")
    assert sorted(r.source.name for r in result.imported) == ["one.wav", "two.flac"]
    skipped = {path.name: reason for path, reason in result.skipped}
    assert set(skipped) == {"broken.wav", "link.wav"}
    assert "link" in skipped["link.wav"]
    assert all("secret" not in r.path for r in library.recordings())


def test_a_take_recorded_inside_the_library_is_filed_in_place(library):
    folder = recording_folder(library, "Ada", "Minuet")
    take = write_take(folder / "2026-11-26 14-05-09 Minuet.flac", student="Ada", piece="Minuet")
    result = file_take(library, take)
    assert result.recording.path == "recordings/Ada/Minuet/2026-11-26 14-05-09 Minuet.flac"
    assert library.path_of(result.recording) == take.resolve()
    assert file_take(library, take).duplicate
    assert len(library.recordings()) == 1


def test_a_take_recorded_elsewhere_is_copied_in(library, take_factory):
    take = take_factory("live.flac", student="Ada", piece="Minuet")
    result = file_take(library, take)
    assert result.recording.path == "recordings/Ada/Minuet/live.flac"
    assert take.is_file()


def test_imports_running_at_once_never_overwrite_each_others_files(library, tmp_path):
    sources = [
        write_take(tmp_path / f"src{index}" / "take.wav", freq_hz=200.0 + 50 * index)
        for index in range(6)
    ]
    results: list = []
    threads = [
        threading.Thread(
            target=lambda s=source: results.append(import_file(library, s, student="A", piece="P"))
        )
        for source in sources
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.recording.path for r in results}) == len(sources)
    for result in results:
        assert library.path_of(result.recording).read_bytes() == result.source.read_bytes()


def test_the_calibration_a_take_was_recorded_with_is_filed_with_it(library, take_factory):
    calibrated = take_factory("calibrated.flac", calibration={"kind": "mf", "offset_db": -12.0})
    assert import_file(library, calibrated).recording.calibration == Calibration(-12.0)
    plain = take_factory("plain.flac", freq_hz=330.0, device="USB mic")
    assert import_file(library, plain).recording.calibration is None
    damaged = take_factory("odd.flac", freq_hz=550.0, calibration={"offset_db": 1e6})
    recording = import_file(library, damaged).recording  # still filed, analysed uncalibrated
    assert recording.calibration is None
