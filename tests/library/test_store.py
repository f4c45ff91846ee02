"""The Library's rows: students, pieces, sessions, recordings, comments, summaries, search."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from pianoscope.errors import LibraryError
from pianoscope.library.records import AnalysisSummary
from pianoscope.library.store import Library

UTC = dt.timezone.utc


def add_take(library: Library, name: str, student: str, piece: str, day: int, **kwargs):
    path = library.root / "recordings" / name
    path.write_bytes(b"x")
    student_row = library.ensure_student(student)
    return library.add_recording(
        f"recordings/{name}",
        recorded_at=dt.datetime(2026, 11, day, 15, 0, tzinfo=UTC),
        duration_s=90.0,
        sample_rate_hz=44_100,
        student_id=student_row.id,
        piece_id=library.ensure_piece(piece).id,
        **kwargs,
    )


def test_students_and_pieces_are_found_case_insensitively_not_duplicated(library) -> None:
    ada = library.ensure_student("  Ada   Lovelace ")
    assert ada.name == "Ada Lovelace"
    assert library.ensure_student("ada lovelace") == ada
    assert library.ensure_piece("Für Elise") == library.ensure_piece("FÜR Elise".replace("Ü", "ü"))
    assert [s.name for s in library.students()] == ["Ada Lovelace"]


def test_browse_filters_by_student_piece_and_date(library) -> None:
    first = add_take(library, "a.wav", "Ada", "Minuet", 3)
    second = add_take(library, "b.wav", "Ada", "Waltz", 10)
    third = add_take(library, "c.wav", "Ben", "Minuet", 17)
    ada = library.ensure_student("Ada")
    assert [r.id for r in library.recordings()] == [first.id, second.id, third.id]
    assert [r.id for r in library.recordings(student_id=ada.id)] == [first.id, second.id]
    minuet = library.ensure_piece("Minuet")
    assert [r.id for r in library.recordings(piece_id=minuet.id)] == [first.id, third.id]
    since, until = dt.datetime(2026, 11, 5, tzinfo=UTC), dt.datetime(2026, 11, 17, tzinfo=UTC)
    assert [r.id for r in library.recordings(since=since, until=until)] == [second.id]
    assert [p.title for p in library.pieces(student_id=ada.id)] == ["Minuet", "Waltz"]


def test_search_matches_names_titles_and_comments_and_treats_wildcards_literally(library) -> None:
    minuet = add_take(library, "a.wav", "Ada", "Minuet in G", 3)
    waltz = add_take(library, "b.wav", "Ben", "Waltz", 4)
    library.add_comment(waltz.id, "Pedal 100% too early", time_s=2.0)
    assert [r.id for r in library.search("minuet")] == [minuet.id]
    assert [r.id for r in library.search("ben")] == [waltz.id]
    assert [r.id for r in library.search("100%")] == [waltz.id]
    assert [r.id for r in library.search("%")] == [waltz.id]
    assert library.search("_") == []
    assert library.search("' OR 1=1 --") == []
    assert len(library.search("")) == 2


def test_rename_changes_titles_and_names_and_refuses_a_clash(library) -> None:
    take = add_take(library, "a.wav", "Ada", "Minuet", 3)
    assert library.rename_recording(take.id, " Final  run ").title == "Final run"
    assert [r.id for r in library.search("final")] == [take.id]
    ben = library.ensure_student("Ben")
    library.rename_student(take.student_id, "Adeline")
    assert library.recording(take.id).student == "Adeline"
    with pytest.raises(LibraryError, match="already in the library"):
        library.rename_student(ben.id, "adeline")
    with pytest.raises(LibraryError, match="no longer"):
        library.rename_recording(999, "x")


def test_foreign_keys_are_enforced(library) -> None:
    (library.root / "recordings" / "x.wav").write_bytes(b"x")
    with pytest.raises(LibraryError, match="not in the library"):
        library.add_recording(
            "recordings/x.wav",
            recorded_at=dt.datetime.now(UTC),
            duration_s=1.0,
            sample_rate_hz=44_100,
            student_id=42,
        )
    assert library.recordings() == []


def test_comments_and_summaries_are_kept_per_recording(library) -> None:
    take = add_take(library, "a.wav", "Ada", "Minuet", 3)
    library.add_comment(take.id, "later", time_s=9.0)
    library.add_comment(take.id, "earlier", time_s=1.5)
    assert [c.text for c in library.comments(take.id)] == ["earlier", "later"]
    summary = AnalysisSummary(96.0, 18.5, 143, "grand-fluidr3", {"legato": 0.8, "chords": 0.2})
    library.store_summary(take.id, summary)
    assert library.summary(take.id) == summary
    library.store_summary(take.id, AnalysisSummary(100.0, 20.0, 150))
    assert library.summary(take.id).tempo_bpm == 100.0


def test_comments_can_be_edited_and_deleted(library) -> None:
    take = add_take(library, "a.wav", "Ada", "Minuet", 1)
    comment = library.add_comment(take.id, "rushed", time_s=4.0)
    library.edit_comment(comment.id, text="  rushed, left hand late ")
    assert [(c.time_s, c.text) for c in library.comments(take.id)] == [
        (4.0, "rushed, left hand late")
    ]
    library.edit_comment(comment.id, time_s=5.5)
    assert [(c.time_s, c.text) for c in library.comments(take.id)] == [
        (5.5, "rushed, left hand late")
    ]
    with pytest.raises(LibraryError, match="needs some text"):
        library.edit_comment(comment.id, text="  ")
    library.delete_comment(comment.id)
    assert library.comments(take.id) == []
    with pytest.raises(LibraryError, match="no longer in the library"):
        library.edit_comment(comment.id, text="gone")
    with pytest.raises(LibraryError, match="no longer in the library"):
        library.delete_comment(comment.id)


def test_a_damaged_stored_summary_raises_instead_of_being_used(library) -> None:
    take = add_take(library, "a.wav", "Ada", "Minuet", 3)
    library.store_summary(take.id, AnalysisSummary(96.0, 18.5, 143))
    with sqlite3.connect(library.database_path) as connection:
        connection.execute("UPDATE analysis_summaries SET form_share = '{\"legato\": 7}'")
    with pytest.raises(LibraryError, match="damaged"):
        library.summary(take.id)


def test_a_recording_path_outside_the_library_is_refused(library, tmp_path) -> None:
    (tmp_path / "secret.wav").write_bytes(b"x")
    for path in ("../secret.wav", str(tmp_path / "secret.wav"), "recordings/../../secret.wav"):
        with pytest.raises(LibraryError, match="outside"):
            library.add_recording(
                path, recorded_at=dt.datetime.now(UTC), duration_s=1.0, sample_rate_hz=44_100
            )


def test_sessions_group_a_students_takes_by_day(library) -> None:
    ada = library.ensure_student("Ada")
    morning = library.ensure_session(ada.id, dt.datetime(2026, 11, 3, 9, 0).astimezone())
    evening = library.ensure_session(ada.id, dt.datetime(2026, 11, 3, 18, 0).astimezone())
    next_day = library.ensure_session(ada.id, dt.datetime(2026, 11, 4, 9, 0).astimezone())
    assert morning == evening != next_day
    assert library.sessions(ada.id) == [morning, next_day]
