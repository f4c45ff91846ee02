"""The GUI and a background analysis (thread or process) write the same database at once."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
from pathlib import Path

from pianoscope.library.records import AnalysisSummary
from pianoscope.library.store import Library

TAKES = 40
WRITES_PER_TAKE = 5


def fill(root: Path) -> list[int]:
    with Library.open(root) as library:
        ada = library.ensure_student("Ada")
        ids = []
        for index in range(TAKES):
            (root / "recordings" / f"{index}.wav").write_bytes(b"x")
            ids.append(
                library.add_recording(
                    f"recordings/{index}.wav",
                    recorded_at=dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc),
                    duration_s=60.0,
                    sample_rate_hz=44_100,
                    student_id=ada.id,
                ).id
            )
        return ids


def store_summaries(root: str, ids: list[int], offset: float) -> None:
    """The background analysis: its own connection, a summary per take, several times over."""
    with Library.open(root) as library:
        for round_ in range(WRITES_PER_TAKE):
            for recording_id in ids:
                library.store_summary(
                    recording_id, AnalysisSummary(offset + round_, 12.0, recording_id)
                )


def add_comments(library: Library, ids: list[int], author: str, errors: list) -> None:
    """The GUI: comments typed while the analysis runs, and reads in between."""
    try:
        for round_ in range(WRITES_PER_TAKE):
            for recording_id in ids:
                library.add_comment(recording_id, f"{author} {round_}")
                library.recordings()
    except Exception as error:  # collected and asserted on in the main thread
        errors.append(error)


def test_gui_thread_and_background_process_and_thread_all_get_their_rows_in(tmp_path):
    root = tmp_path / "lib"
    ids = fill(root)
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=store_summaries, args=(str(root), ids, 100.0))
    errors: list[Exception] = []
    with Library.open(root) as gui, Library.open(root) as worker_library:
        process.start()
        threads = [
            threading.Thread(target=add_comments, args=(gui, ids, "gui", errors)),
            threading.Thread(target=add_comments, args=(worker_library, ids, "worker", errors)),
            threading.Thread(target=store_summaries, args=(str(root), ids, 200.0)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        process.join(timeout=60)
        assert errors == []
        assert process.exitcode == 0
        for recording_id in ids:
            texts = sorted(c.text for c in gui.comments(recording_id))
            assert texts == sorted(
                f"{who} {r}" for who in ("gui", "worker") for r in range(WRITES_PER_TAKE)
            )
            assert gui.summary(recording_id).note_count == recording_id
            assert gui.summary(recording_id).tempo_bpm in (104.0, 204.0)
