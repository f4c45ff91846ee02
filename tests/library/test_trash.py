"""Deleting moves a take to the trash; it can come back until the trash is emptied."""

from __future__ import annotations

from pianoscope.library.importer import import_file
from pianoscope.library.trash import empty_trash, move_to_trash, restore_from_trash


def test_delete_moves_the_file_and_sidecar_to_the_trash_and_hides_the_take(library, take_factory):
    recording = import_file(library, take_factory("a.flac", student="Ada", piece="M")).recording
    original = library.path_of(recording)
    library.add_comment(recording.id, "keep me")
    trashed = move_to_trash(library, recording.id)
    moved = library.path_of(trashed)
    assert not original.exists() and not original.with_name(original.name + ".json").exists()
    assert moved.is_file() and moved.with_name(moved.name + ".json").is_file()
    assert moved.is_relative_to((library.root / "trash").resolve())
    assert trashed.trashed_at is not None
    assert library.recordings() == [] and library.search("Ada") == []
    assert library.recordings(trashed=True) == [trashed]
    assert [c.text for c in library.comments(recording.id)] == ["keep me"]


def test_restore_brings_a_take_back_under_its_student_and_piece(library, take_factory):
    recording = import_file(library, take_factory("a.wav"), student="Ada", piece="M").recording
    move_to_trash(library, recording.id)
    back = restore_from_trash(library, recording.id)
    assert back.trashed_at is None and back.path == recording.path
    assert library.path_of(back).is_file()
    assert library.recordings() == [back]


def test_emptying_the_trash_deletes_only_trashed_takes(library, take_factory):
    kept = import_file(library, take_factory("a.wav", freq_hz=300.0), student="A", piece="M")
    gone = import_file(library, take_factory("b.wav", freq_hz=400.0), student="A", piece="M")
    trashed_path = library.path_of(move_to_trash(library, gone.recording.id))
    assert empty_trash(library) == 1
    assert not trashed_path.exists() and not (library.root / "trash").exists()
    assert library.recordings() == [kept.recording]
    assert library.path_of(kept.recording).is_file()
