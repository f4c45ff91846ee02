"""Start-up objects are kept out of the garbage collector's later walks."""

from __future__ import annotations

import gc

from pianoscope.app.live.collector_pauses import freeze_start_up_objects


def test_after_start_up_a_collection_walks_only_newer_objects():
    start_up = [[index] for index in range(50_000)]  # like the modules a process loads
    try:
        freeze_start_up_objects()
        newer = [[index] for index in range(10)]
        tracked = gc.get_objects()
        assert len(tracked) < 10_000
        assert any(item is newer for item in tracked)
        assert not any(item is start_up for item in tracked)
        assert gc.get_freeze_count() >= len(start_up)
    finally:
        gc.unfreeze()
