"""The bad-input sweep's quick subset: damaged recordings and bad option values, each command in
its own process under a timeout; no traceback, no hang, no input changed."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

from support.bad_input_sweep import sweep


def test_damaged_inputs_and_bad_values_end_in_a_sentence_and_change_nothing():
    work = Path(tempfile.mkdtemp(prefix="pianoscope-sweep-"))
    try:
        calls, modified = sweep(work, quick=True, timeout_s=120.0)
    finally:
        for path in work.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(work)
    failures = [
        f"{call.outcome}: {' '.join(call.argv)}: {call.last_line}"
        for call in calls
        if call.outcome not in ("ok", "refused")
    ]
    assert failures == []
    assert modified == []
    counts = Counter(call.outcome for call in calls)
    assert counts["refused"] >= 15  # the damaged inputs and the bad values were really tried
    assert len(calls) >= 18
