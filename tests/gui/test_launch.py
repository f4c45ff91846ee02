"""The live window's process keeps offline work on one thread; other processes use every CPU."""

from __future__ import annotations

import os
import subprocess
import sys

from pianoscope.numeric_threads import THREADS_ENV

OPEN_THE_LIVE_WINDOW = """
import sys
from pianoscope.gui.launch import open_live_window
from pianoscope.library.store import Library
from pianoscope.numeric_threads import usable_cpus

before = usable_cpus()
library = Library.open(sys.argv[1])
app, window = open_live_window(library)
app.processEvents()
print(before, usable_cpus())
window.stop_input()
window.close()
window.take_filer.wait_idle(60)
library.close()
"""


def test_opening_the_live_window_puts_the_process_offline_work_on_one_thread(tmp_path) -> None:
    environment = {k: v for k, v in os.environ.items() if k != THREADS_ENV}
    environment["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run(
        [sys.executable, "-c", OPEN_THE_LIVE_WINDOW, str(tmp_path / "library")],
        env=environment, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    before, after = (int(word) for word in result.stdout.split()[-2:])
    assert before == len(os.sched_getaffinity(0))
    assert after == 1
