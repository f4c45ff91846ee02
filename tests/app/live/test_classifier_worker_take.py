"""The classifier thread during a take: it classifies every segment's window of the take file,
also the segment across a pause, which no single stretch of the ring holds."""

from __future__ import annotations

import numpy as np
import soundfile as sf
import torch
from support.recorded_takes import RATE, noise, write_and_wait_until_taken
from support.waiting import wait_until

from pianoscope.app.live.classifier_worker import ClassifierWorker
from pianoscope.audio.recorder import Recorder
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier
from pianoscope.model.network import PianoscopeNet

SEGMENT = 2 * RATE


class RememberingClassifier:
    """An untrained classifier that remembers every window it was given."""

    def __init__(self) -> None:
        torch.manual_seed(0)
        torch.set_num_threads(1)
        self.classifier = Classifier.from_network(PianoscopeNet(), unknown_threshold=0.5)
        self.seen: list[np.ndarray] = []

    def set_calibration(self, calibration) -> None:
        self.classifier.set_calibration(calibration)

    def predict(self, audio, **options):
        self.seen.append(np.array(audio))
        return self.classifier.predict(audio, **options)


def test_each_segment_of_a_paused_take_is_classified_on_the_take_files_samples(tmp_path):
    ring = RingBuffer(30 * RATE)
    out = tmp_path / "paused.wav"
    remembering = RememberingClassifier()
    worker = ClassifierWorker(ring, RATE, load_classifier=lambda: remembering)
    recorder = Recorder(ring, out, sample_rate_hz=RATE, chunk_s=0.01, from_start=True)
    worker.start()
    recorder.start()
    worker.align_to(recorder.timeline)
    try:
        write_and_wait_until_taken(ring, recorder, noise(3.0, seed=1))
        recorder.pause()  # half way through the second segment
        write_and_wait_until_taken(ring, recorder, noise(1.5, seed=2))
        recorder.resume()
        ring.write(noise(5.0, seed=3))
        recorder.stop()  # takes what is left
        worker.end_take(recorder.timeline)  # as the engine does: the last segments still count
        take, _ = sf.read(out, dtype="float32")
        expected = [
            take[end - WINDOW_SAMPLES : end] for end in range(SEGMENT, take.size + 1, SEGMENT)
        ]

        def classified(window: np.ndarray) -> bool:
            return any(np.array_equal(window, seen) for seen in list(remembering.seen))

        wait_until(
            lambda: all(map(classified, expected)), 60, "every segment's window is classified"
        )
    finally:
        worker.stop()
    assert len(expected) == 4
    times = [timed.time_s for timed in worker.history()]
    assert times == sorted(times)  # the segments' windows, classified late, are in time order
    # The segment across the pause ends where the ring had it: after the 1.5 s left out.
    assert 5.5 in times
