"""Review's comments live in the library when the take is filed there, else in a sidecar."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.review_signals import tone, write

from pianoscope.app.review.comments import LibraryComments, open_comments
from pianoscope.errors import LibraryError
from pianoscope.library.comment_sidecar import CommentsError, CommentStore, comments_path
from pianoscope.library.importer import import_file, recording_folder
from pianoscope.library.store import Library


def take_at(path: Path) -> Path:
    """A one-second tone written at `path` (its folder created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write(path, tone(440.0, 1.0))


@pytest.fixture
def library(tmp_path: Path):
    with Library.open(tmp_path / "library") as opened:
        yield opened


@pytest.fixture
def filed(library: Library, tmp_path: Path) -> Path:
    """A take imported into the library; returns its audio inside the library."""
    outside = take_at(tmp_path / "outside" / "lesson.wav")
    return library.path_of(import_file(library, outside, student="Ada").recording)


def test_a_filed_take_keeps_its_comments_in_the_library(library: Library, filed: Path) -> None:
    comments = open_comments(filed)
    assert isinstance(comments, LibraryComments)
    late = comments.add(12.5, "bar 12: rushed")
    comments.add(3.0, "  nice legato ")
    comments.edit(late.id, text="bar 12: rushed, left hand late")
    recording = library.find_by_path(filed.relative_to(library.root).as_posix())
    assert [(c.time_s, c.text) for c in library.comments(recording.id)] == [
        (3.0, "nice legato"),
        (12.5, "bar 12: rushed, left hand late"),
    ]
    assert library.search("left hand") == [recording]
    assert not comments_path(filed).exists()
    reopened = open_comments(filed)
    assert [c.text for c in reopened.comments] == ["nice legato", "bar 12: rushed, left hand late"]
    reopened.delete(reopened.comments[0].id)
    assert [c.text for c in library.comments(recording.id)] == ["bar 12: rushed, left hand late"]


def test_comments_added_in_the_library_elsewhere_show_in_review(
    library: Library, filed: Path
) -> None:
    recording = library.find_by_path(filed.relative_to(library.root).as_posix())
    library.add_comment(recording.id, "whole take: good tempo")
    assert [(c.time_s, c.text) for c in open_comments(filed).comments] == [
        (0.0, "whole take: good tempo")
    ]


def test_review_refuses_bad_comments_as_the_sidecar_does(filed: Path) -> None:
    comments = open_comments(filed)
    with pytest.raises(CommentsError, match="positive number"):
        comments.add(-1.0, "x")
    with pytest.raises(CommentsError, match="needs some text"):
        comments.add(1.0, "  ")
    with pytest.raises(LibraryError, match="no longer in the library"):
        comments.delete("999999")
    assert comments.comments == ()


def test_a_recording_outside_any_library_keeps_a_sidecar(tmp_path: Path) -> None:
    take = take_at(tmp_path / "home" / "take.wav")
    comments = open_comments(take)
    assert isinstance(comments, CommentStore)
    comments.add(1.0, "ok")
    assert comments_path(take).is_file()


def test_an_unfiled_file_inside_a_library_folder_keeps_a_sidecar(library: Library) -> None:
    take = take_at(recording_folder(library, "Ada", "Minuet") / "not yet filed.wav")
    comments = open_comments(take)
    assert isinstance(comments, CommentStore)
    comments.add(1.0, "ok")
    assert comments_path(take).is_file()
    assert [c.text for c in open_comments(take).comments] == ["ok"]


def test_a_sidecar_left_beside_a_filed_take_is_brought_in_once(
    library: Library, filed: Path
) -> None:
    CommentStore(filed).add(2.0, "written while the take was being filed")
    recording = library.find_by_path(filed.relative_to(library.root).as_posix())
    assert [c.text for c in open_comments(filed).comments] == [
        "written while the take was being filed"
    ]
    assert not comments_path(filed).exists()
    open_comments(filed)
    assert len(library.comments(recording.id)) == 1
