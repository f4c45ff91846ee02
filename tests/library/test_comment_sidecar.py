"""Comments sidecar: saved at once, atomically, validated; a damaged file is never overwritten."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.full_disk import fill, small_disk

from pianoscope.library.comment_sidecar import (
    CommentsError,
    CommentStore,
    comments_path,
    load_comments,
)


@pytest.fixture()
def take(tmp_path):
    path = tmp_path / "take.flac"
    path.write_bytes(b"audio")
    return path


def test_comments_survive_reopening_sorted_by_time(take):
    store = CommentStore(take)
    late = store.add(12.5, "bar 12: rushed")
    store.add(3.0, "  nice legato  ")
    reopened = CommentStore(take)
    assert [(c.time_s, c.text) for c in reopened.comments] == [
        (3.0, "nice legato"),
        (12.5, "bar 12: rushed"),
    ]
    reopened.edit(late.id, text="bar 12: rushed, left hand late")
    reopened.delete(reopened.comments[0].id)
    assert [c.text for c in CommentStore(take).comments] == ["bar 12: rushed, left hand late"]
    assert comments_path(take).name == "take.flac.comments.json"
    assert sorted(p.name for p in take.parent.iterdir()) == ["take.flac", "take.flac.comments.json"]


@pytest.mark.parametrize("time_s", [-1.0, float("nan"), float("inf")])
def test_a_comment_needs_a_real_time_and_some_text(take, time_s):
    store = CommentStore(take)
    with pytest.raises(CommentsError):
        store.add(time_s, "x")
    with pytest.raises(CommentsError):
        store.add(1.0, "   ")
    assert store.comments == ()
    assert not comments_path(take).exists()


DAMAGED_SIDECARS = {
    "not a comment": '{"version": 1, "comments": [{"time_s": "soon"}]}',
    "deeply nested": "[" * 100_000 + "]" * 100_000,
    "time beyond float": '{"version": 1, "comments": [{"time_s": 1e400, "text": "x", "id": "a"}]}',
    "time of 400 digits": (
        '{"version": 1, "comments": [{"time_s": 1' + "0" * 400 + ', "text": "x", "id": "a"}]}'
    ),
    "not utf-8": b"\xff\xfe{".decode("latin-1"),
}


@pytest.mark.parametrize("document", DAMAGED_SIDECARS.values(), ids=DAMAGED_SIDECARS.keys())
def test_damaged_sidecar_is_reported_and_never_lost(take, document):
    comments_path(take).write_text(document, encoding="latin-1")
    with pytest.raises(CommentsError, match="damaged"):
        load_comments(take)
    store = CommentStore(take)
    assert store.comments == ()
    assert store.set_aside is not None
    assert store.set_aside.read_text(encoding="latin-1") == document
    store.add(1.0, "new comment")
    assert [c.text for c in load_comments(take)] == ["new comment"]
    assert store.set_aside.read_text(encoding="latin-1") == document


def test_editing_a_deleted_comment_is_explained(take):
    store = CommentStore(take)
    comment = store.add(1.0, "x")
    store.delete(comment.id)
    with pytest.raises(CommentsError, match="no longer exists"):
        store.edit(comment.id, text="y")


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 7200, allow_nan=False),
            st.text(min_size=1, max_size=50).filter(str.strip),
        ),
        max_size=6,
    )
)
def test_any_valid_comments_round_trip(tmp_path_factory, items):
    take = tmp_path_factory.mktemp("c") / "take.wav"
    store = CommentStore(take)
    for time_s, text in items:
        store.add(time_s, text)
    loaded = load_comments(take)
    assert sorted((round(t, 3), x.strip()) for t, x in items) == sorted(
        (c.time_s, c.text) for c in loaded
    )
    assert [c.time_s for c in loaded] == sorted(c.time_s for c in loaded)
    if items:
        assert json.loads(comments_path(take).read_text())["version"] == 1


def test_a_comment_that_does_not_fit_on_a_full_disk_leaves_the_saved_ones_and_no_temporary(
    tmp_path,
):
    with small_disk(tmp_path / "disk", size_mb=1) as disk:
        take = disk / "take.flac"
        take.write_bytes(b"audio")
        store = CommentStore(take)
        store.add(1.0, "saved before the disk filled")
        fill(disk)
        with pytest.raises(CommentsError, match="could not be saved"):
            store.add(2.0, "x" * 1500)
        assert [c.text for c in load_comments(take)] == ["saved before the disk filled"]
        assert not list(disk.glob("*.tmp"))
