"""One thread for numpy's BLAS in Pianoscope's processes and the processes they start.

numpy's OpenBLAS starts a thread per CPU for every matrix product and lets them spin between
calls. The note model's products are small (32-40 channels by a few thousand frames), so a
second thread gains little, and beside any other load it costs a lot: the threads wait for
each other while the other CPU is busy. Measured on the two-core development machine with
another process busy on one core: the whole `analyse` of one minute took 0.82 s on one BLAS
thread (72x real time) and 2.5 s with OpenBLAS's default two (24x); the note model over a 2 s
window (the live intensity of a piano read from its notes) 22 ms against 500 ms. In the live
window the audio callback, the analysis process, the GUI and the classifier (torch, held to
one thread for the same reason) share the CPUs too.

Work that splits into independent pieces uses the CPUs by threads of its own instead
(`usable_cpus`): the note network runs a recording's pieces side by side, each product on one
BLAS thread, and a busy CPU only makes its thread wait its turn.
"""

from __future__ import annotations

import os

from threadpoolctl import threadpool_limits


def use_one_numeric_thread() -> None:
    """BLAS on one thread here, and in every process started from now on (they read the
    environment when they load numpy)."""
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    os.environ["MKL_NUM_THREADS"] = "1"
    threadpool_limits(limits=1, user_api="blas")


# Caps `usable_cpus`; set to 1 in a batch's worker processes, which already share the CPUs.
THREADS_ENV = "PIANOSCOPE_THREADS"


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system tells it), at least 1,
    and no more than THREADS_ENV allows when it is set."""
    if hasattr(os, "sched_getaffinity"):
        cpus = max(1, len(os.sched_getaffinity(0)))
    else:
        cpus = os.cpu_count() or 1
    cap = os.environ.get(THREADS_ENV, "")
    return max(1, min(cpus, int(cap))) if cap.isdigit() else cpus


def use_one_thread_per_process() -> None:
    """This process's own work on one thread: for worker processes started one per CPU."""
    os.environ[THREADS_ENV] = "1"
