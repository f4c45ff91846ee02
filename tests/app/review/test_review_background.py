"""Background jobs and the latest-request worker that keep the review window responsive."""

from __future__ import annotations

import threading
import time

from support.waiting import wait_until

from pianoscope.app.background import BackgroundJob, LatestRequestWorker
from pianoscope.errors import AudioFileError

TIMEOUT_S = 30.0
"""Generous: only reached when something is broken, never on a merely slow machine."""


def test_job_reports_progress_and_result():
    release = threading.Event()

    def work(progress, cancel):
        progress(0.5)
        release.wait(TIMEOUT_S)
        return 42

    job = BackgroundJob("test", work).start()
    wait_until(lambda: job.progress >= 0.5, TIMEOUT_S, "the job reports half done")
    assert job.progress == 0.5 and not job.done
    release.set()
    assert job.wait(TIMEOUT_S) and job.result == 42 and job.error is None


def test_cancelled_job_ends_without_result_or_error():
    running = threading.Event()

    def work(progress, cancel):
        running.set()
        while True:
            cancel.check()
            time.sleep(0.001)  # stimulus: a long computation between its cancel checks

    job = BackgroundJob("test", work).start()
    assert running.wait(TIMEOUT_S)
    job.cancel()
    assert job.wait(TIMEOUT_S)
    assert job.cancelled and job.result is None and job.error is None


def test_pianoscope_error_becomes_the_jobs_message():
    def work(progress, cancel):
        raise AudioFileError("take.flac is empty (0 bytes).")

    job = BackgroundJob("test", work).start()
    assert job.wait(TIMEOUT_S)
    assert job.error == "take.flac is empty (0 bytes)."


def test_worker_skips_requests_overtaken_by_newer_ones():
    computed: list[int] = []
    gate = threading.Event()

    def compute(request: int) -> int:
        gate.wait(TIMEOUT_S)
        computed.append(request)
        return request * 10

    worker = LatestRequestWorker("test", compute)
    try:
        for request in range(20):
            worker.request(request)
        gate.set()
        wait_until(
            lambda: worker.latest is not None and worker.latest[0] == 19,
            TIMEOUT_S,
            "the newest request's result is published",
        )
        assert worker.latest == (19, 190)
        assert len(computed) <= 3 and computed[-1] == 19
    finally:
        worker.stop()
