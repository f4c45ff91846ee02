"""One thread for numpy's BLAS in the live window's process and the processes it starts.

numpy's OpenBLAS starts a thread per CPU for every matrix product and lets them spin between
calls. The live window's audio callback, analysis process, GUI thread and classifier thread
already share the CPUs (two on the machines the live figures are measured on), and the torch
classifier is held to one thread for that reason; the note model (numpy: the score follower,
and the intensity of a piano read from its notes) then took every CPU at once. Measured with
`bench/bench_model_inference.py` beside a training run on the other core of a two-core machine:
the note model over a 2 s window took 22 ms median on one BLAS thread, 500 ms with OpenBLAS's
default two.
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
