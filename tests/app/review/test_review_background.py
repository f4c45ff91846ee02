"""Background jobs and the latest-request worker that keep the review window responsive."""

from __future__ import annotations

import threading
import time

from pianoscope.app.background import BackgroundJob, LatestRequestWorker
from pianoscope.errors import AudioFileError


def test_job_reports_progress_and_result():
    release = threading.Event()

    def work(progress, cancel):
        progress(0.5)
        release.wait(5)
        return 42

    job = BackgroundJob("test", work).start()
    deadline = time.monotonic() + 5
    while job.progress < 0.5 and time.monotonic() < deadline:
        time.sleep(0.005)
    assert job.progress == 0.5 and not job.done
    release.set()
    assert job.wait(5) and job.result == 42 and job.error is None


def test_cancelled_job_ends_without_result_or_error():
    def work(progress, cancel):
        while True:
            cancel.check()
            time.sleep(0.001)

    job = BackgroundJob("test", work).start()
    job.cancel()
    assert job.wait(5)
    assert job.cancelled and job.result is None and job.error is None


def test_pianoscope_error_becomes_the_jobs_message():
    def work(progress, cancel):
        raise AudioFileError("take.flac is empty (0 bytes).")

    job = BackgroundJob("test", work).start()
    assert job.wait(5)
    assert job.error == "take.flac is empty (0 bytes)."


def test_worker_skips_requests_overtaken_by_newer_ones():
    computed: list[int] = []
    gate = threading.Event()

    def compute(request: int) -> int:
        gate.wait(5)
        computed.append(request)
        return request * 10

    worker = LatestRequestWorker("test", compute)
    try:
        for request in range(20):
            worker.request(request)
        gate.set()
        deadline = time.monotonic() + 5
        while (worker.latest is None or worker.latest[0] != 19) and time.monotonic() < deadline:
            time.sleep(0.005)
        assert worker.latest == (19, 190)
        assert len(computed) <= 3 and computed[-1] == 19
    finally:
        worker.stop()
