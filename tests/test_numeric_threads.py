import json
import os
import subprocess
import sys

import pytest

from pianoscope.numeric_threads import THREADS_ENV, usable_cpus

# Each probe runs in a process of its own: the limit is process-wide, and the test process
# must start from the machine's default to show that the command sets it.
_PROBE = """
import json, multiprocessing
from threadpoolctl import threadpool_info
import numpy

def blas_threads():
    import numpy  # noqa: F401
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

def child(queue):
    queue.put(blas_threads())

if __name__ == "__main__":
    from pianoscope.cli.main import main
    before = blas_threads()
    try:
        main(["--help"])
    except SystemExit:
        pass
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=child, args=(queue,))
    process.start()
    print(json.dumps({"before": before, "after": blas_threads(), "child": queue.get()}))
    process.join()
"""


def test_the_pianoscope_command_and_the_processes_it_starts_use_one_blas_thread(
    tmp_path,
) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(_PROBE)
    env_free = {"PATH": "/usr/bin:/bin"}  # no BLAS thread setting inherited from the test run
    result = subprocess.run(
        [sys.executable, str(probe)], capture_output=True, text=True, env=env_free, check=True
    )
    threads = json.loads(result.stdout.strip().splitlines()[-1])
    print(threads)
    assert threads["after"] == [1] and threads["child"] == [1]


def test_usable_cpus_are_at_least_one_and_no_more_than_the_machine_has() -> None:
    assert 1 <= usable_cpus() <= (os.cpu_count() or 1)


def test_the_threads_variable_caps_the_usable_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(THREADS_ENV, "1")
    assert usable_cpus() == 1
    monkeypatch.setenv(THREADS_ENV, "many")  # not a number: ignored
    assert usable_cpus() == len(os.sched_getaffinity(0))
