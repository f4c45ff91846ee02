"""Progress series per student and piece, from stored analysis summaries."""

from __future__ import annotations

import datetime as dt

import pytest

from pianoscope.library.progress import progress
from pianoscope.library.records import AnalysisSummary

LOCAL = dt.datetime.now().astimezone().tzinfo


def add(library, name: str, piece: str, when: dt.datetime, minutes: float):
    (library.root / "recordings" / name).write_bytes(name.encode())
    return library.add_recording(
        f"recordings/{name}",
        recorded_at=when,
        duration_s=minutes * 60.0,
        sample_rate_hz=44_100,
        student_id=library.ensure_student("Ada").id,
        piece_id=library.ensure_piece(piece).id,
    )


def test_series_follow_the_takes_of_one_piece_in_time(library) -> None:
    first = add(library, "1.wav", "Minuet", dt.datetime(2026, 10, 1, 10, tzinfo=LOCAL), 3.0)
    second = add(library, "2.wav", "Minuet", dt.datetime(2026, 10, 1, 16, tzinfo=LOCAL), 2.0)
    third = add(library, "3.wav", "Minuet", dt.datetime(2026, 10, 8, 10, tzinfo=LOCAL), 4.0)
    add(library, "4.wav", "Waltz", dt.datetime(2026, 10, 8, 11, tzinfo=LOCAL), 10.0)
    library.store_summary(first.id, AnalysisSummary(80.0, 12.0, 100, None, {"legato": 1.0}))
    library.store_summary(
        third.id,
        AnalysisSummary(92.0, 18.0, 140, None, {"legato": 0.5, "staccato": 0.5}, {"mf": 1.0}),
    )
    series = progress(library, first.student_id, first.piece_id)
    assert [p.recording_id for p in series.points] == [first.id, third.id]
    assert [p.tempo_bpm for p in series.points] == [80.0, 92.0]
    assert [p.dynamic_range_db for p in series.points] == [12.0, 18.0]
    assert [p.note_count for p in series.points] == [100, 140]
    assert series.share_series("form", "staccato") == (0.0, 0.5)
    assert series.share_series("intensity", "mf") == (0.0, 1.0)
    assert [(d.day, d.minutes) for d in series.practice] == [
        (dt.date(2026, 10, 1), pytest.approx(5.0)),
        (dt.date(2026, 10, 8), pytest.approx(4.0)),
    ]
    assert second.id not in {p.recording_id for p in series.points}
    everything = progress(library, first.student_id)
    assert everything.total_practice_minutes == pytest.approx(19.0)
