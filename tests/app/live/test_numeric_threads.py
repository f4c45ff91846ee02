import json
import subprocess
import sys

# Run in a process of its own: the limit is process-wide and would slow the rest of the suite.
_PROBE = """
import json, multiprocessing
from threadpoolctl import threadpool_info
import numpy
from pianoscope.app.live.numeric_threads import use_one_numeric_thread

def blas_threads():
    import numpy  # noqa: F401
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

def child(queue):
    queue.put(blas_threads())

if __name__ == "__main__":
    before = blas_threads()
    use_one_numeric_thread()
    queue = multiprocessing.get_context("spawn").Queue()
    process = multiprocessing.get_context("spawn").Process(target=child, args=(queue,))
    process.start()
    print(json.dumps({"before": before, "after": blas_threads(), "child": queue.get()}))
    process.join()
"""


def test_the_live_window_process_and_its_children_use_one_blas_thread(tmp_path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(_PROBE)
    env_free = {"PATH": "/usr/bin:/bin"}  # no BLAS thread setting inherited from the test run
    result = subprocess.run(
        [sys.executable, str(probe)], capture_output=True, text=True, env=env_free, check=True
    )
    threads = json.loads(result.stdout)
    assert threads["after"] == [1] and threads["child"] == [1]
    print(threads)
