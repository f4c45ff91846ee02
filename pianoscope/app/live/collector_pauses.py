"""Keep Python's garbage collector from stopping the live window and analysis for long.

A full collection walks every object the collector tracks while holding the GIL: in the live
window's process, with torch, Qt and pyqtgraph loaded, that is about 265,000 objects and took
225 ms of CPU (in the analysis process 69,000 objects, 57 ms; measured on the 2-core
development machine), a pause the window shows as a stalled display. The objects made while
starting live as long as the program, so once everything is loaded they are moved where
collections no longer look (`gc.freeze`): a full collection of the window then took 0.3 ms.
"""

from __future__ import annotations

import gc


def freeze_start_up_objects() -> None:
    """Collect the start-up garbage once, then keep what remains out of later collections.

    Call it when a process has loaded what it needs for the live view, before it runs.
    """
    gc.collect()
    gc.freeze()
