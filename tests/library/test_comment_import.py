"""Comments sidecars move into the library once, when their recording is imported or filed."""

from __future__ import annotations

import logging

import pytest
from support.library_takes import write_take

from pianoscope.library.comment_sidecar import CommentStore, comments_path
from pianoscope.library.importer import (
    file_sidecar_comments,
    file_take,
    import_file,
    import_folder,
    recording_folder,
)


def texts(library, recording_id: int) -> list[tuple[float | None, str]]:
    return [(c.time_s, c.text) for c in library.comments(recording_id)]


def test_importing_a_recording_brings_its_comments_once(library, take_factory):
    take = take_factory("lesson.wav")
    store = CommentStore(take)
    store.add(12.5, "bar 12: rushed")
    store.add(3.0, "nice legato")
    recording = import_file(library, take).recording
    assert texts(library, recording.id) == [(3.0, "nice legato"), (12.5, "bar 12: rushed")]
    assert library.search("rushed") == [recording]
    assert comments_path(take).is_file()  # the original's sidecar is the teacher's, left alone
    again = import_file(library, take)
    folder = import_folder(library, take.parent)
    assert again.duplicate and folder.imported[0].duplicate
    assert len(library.comments(recording.id)) == 2
    assert not comments_path(library.path_of(recording)).exists()


def test_a_take_recorded_in_the_library_moves_its_comments_sidecar_into_it(library):
    take = recording_folder(library, "Ada", "Minuet") / "take.wav"
    write_take(take)
    CommentStore(take).add(1.0, "left hand late")
    recording = file_take(library, take).recording
    assert texts(library, recording.id) == [(1.0, "left hand late")]
    assert not comments_path(take).exists()
    assert file_take(library, take).duplicate
    assert texts(library, recording.id) == [(1.0, "left hand late")]


def test_a_comments_sidecar_written_after_filing_is_brought_in_when_filed_again(library):
    take = recording_folder(library, "Ada", "Minuet") / "take.wav"
    write_take(take)
    recording = file_take(library, take).recording
    store = CommentStore(take)  # e.g. a review window that opened the take before it was filed
    store.add(2.0, "breathe before the phrase")
    assert file_take(library, take).duplicate
    assert texts(library, recording.id) == [(2.0, "breathe before the phrase")]
    assert not comments_path(take).exists()


def test_a_sidecar_comment_is_never_imported_twice(library, take_factory):
    take = take_factory("lesson.wav")
    recording = import_file(library, take).recording
    store = CommentStore(take)
    store.add(1.0, "first")
    assert file_sidecar_comments(library, recording.id, take) == 1
    store.add(2.0, "second")
    assert file_sidecar_comments(library, recording.id, take) == 1
    assert file_sidecar_comments(library, recording.id, take) == 0
    assert texts(library, recording.id) == [(1.0, "first"), (2.0, "second")]


def test_a_damaged_comments_sidecar_is_left_alone_and_the_take_still_filed(
    library, take_factory, caplog: pytest.LogCaptureFixture
):
    take = take_factory("lesson.wav")
    comments_path(take).write_text('{"version": 1, "comments": [{"time_s": "soon"}]}')
    with caplog.at_level(logging.WARNING):
        recording = import_file(library, take).recording
    assert library.comments(recording.id) == []
    assert "damaged" in caplog.text
    assert "soon" in comments_path(take).read_text()


HOSTILE_SIDECARS = (
    "[" * 100_000 + "]" * 100_000,
    '{"version": 1, "comments": [{"time_s": 1' + "0" * 400 + ', "text": "x", "id": "a"}]}',
)


@pytest.mark.parametrize("document", HOSTILE_SIDECARS, ids=["deeply nested", "huge time"])
def test_a_hostile_comments_sidecar_is_a_warning_and_is_kept(library, take_factory, document):
    outside = take_factory("lesson.wav")
    comments_path(outside).write_text(document)
    assert not import_file(library, outside).duplicate
    assert comments_path(outside).read_text() == document

    inside = write_take(recording_folder(library, "Ada", "Minuet") / "take.wav")
    comments_path(inside).write_text(document)
    recording = file_take(library, inside).recording
    assert library.comments(recording.id) == []
    (kept,) = inside.parent.glob("take.wav.comments.damaged*")
    assert kept.read_text() == document
