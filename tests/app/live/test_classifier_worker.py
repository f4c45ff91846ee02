"""The classifier thread under the live engine: cadence, history, resampling, failures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from support.waiting import wait_until

from pianoscope.app.live.classifier_worker import ClassifierWorker
from pianoscope.app.live.engine import LiveEngine
from pianoscope.app.live.session import InputChoice, open_source
from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.model.inference import Classifier
from pianoscope.model.network import PianoscopeNet


def _untrained_classifier() -> Classifier:
    torch.manual_seed(0)
    torch.set_num_threads(1)  # as the shipped classifier runs in the live engine
    return Classifier.from_network(PianoscopeNet(), unknown_threshold=0.5)


def test_engine_publishes_predictions_in_order_on_newer_audio():
    """The worker keeps classifying the newest window; how often per second is a wall-clock
    figure, printed by bench/bench_pace.py rather than bounded here."""
    engine = LiveEngine(open_source(InputChoice.demo()), load_classifier=_untrained_classifier)
    engine.start()
    try:
        wait_until(
            lambda: len(engine.classifier.history()) >= 12, 60, "12 predictions are published"
        )
        latest = engine.classifier.latest
    finally:
        engine.stop()
    history = engine.classifier.history()
    times = [timed.time_s for timed in history]
    assert times == sorted(times)
    assert times[-1] > times[0]  # later predictions cover later audio
    assert latest in history
    prediction = latest.prediction
    assert sum(prediction.piano.probabilities) == pytest.approx(1.0, abs=1e-5)
    assert len(prediction.form.probabilities) == 4
    assert len(prediction.intensity.probabilities) == 5
    assert not prediction.is_silent  # the demo is playing


def test_silence_is_reported_as_no_piano():
    ring = RingBuffer(44_100 * 4)
    ring.write(np.zeros(44_100 * 3, np.float32))
    worker = ClassifierWorker(ring, 44_100, load_classifier=_untrained_classifier)
    worker.start()
    try:
        wait_until(lambda: worker.latest is not None, 60, "a first prediction is published")
    finally:
        worker.stop()
    assert worker.latest.prediction.is_silent
    assert worker.latest.prediction.piano_label is None


def test_other_input_rates_are_resampled_for_the_model():
    rate = 48_000
    ring = RingBuffer(rate * 4)
    t = np.arange(rate * 3) / rate
    ring.write((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32))
    seen = []

    class Recording:
        """The real classifier, remembering what it was given."""

        def __init__(self):
            self.classifier = _untrained_classifier()

        def set_calibration(self, calibration):
            self.classifier.set_calibration(calibration)

        def predict(self, audio, **options):
            seen.append(audio)
            return self.classifier.predict(audio, **options)

    worker = ClassifierWorker(ring, rate, load_classifier=Recording)
    worker.start()
    try:
        wait_until(lambda: worker.latest is not None, 60, "a first prediction is published")
    finally:
        worker.stop()
    from pianoscope.model.inference import WINDOW_SAMPLES

    assert abs(seen[0].size - WINDOW_SAMPLES) <= 1
    assert worker.latest.time_s == pytest.approx(3.0)


def _latest_after(worker: ClassifierWorker, ring: RingBuffer, samples: np.ndarray):
    """Write `samples` and wait for the prediction of the window ending with them."""
    ring.write(samples)
    end_s = ring.written / 44_100
    wait_until(
        lambda: worker.latest is not None and worker.latest.time_s >= end_s,
        60,
        "the newest window is classified",
    )
    return worker.latest.prediction


@pytest.mark.parametrize("gain_db", [0.0, 9.0])
def test_a_quiet_window_after_loud_playing_reads_alike_whatever_the_input_gain(gain_db):
    """Live has no whole take: the running reference (the loudest 100 ms of the last minute)
    stands in for the take's. A window 45 dB under mf at the training level is silence; 9 dB
    more input gain (the demo's loudest then reaches -8.6 dBFS, short of full scale) used to
    lift it over the fixed silence line. Relative to the loud chords heard just before, it is
    silence at either gain."""
    from pianoscope.audio.fileio import load_audio
    from pianoscope.dsp.features import log_mel
    from pianoscope.dsp.levels import signal_reference_level_db
    from pianoscope.model.calibration import REFERENCE_LEVEL_DB, TAKE_LOUDEST_DB, playing_level_db
    from pianoscope.model.inference import SILENCE_BELOW_MF_DB, WINDOW_SAMPLES
    from pianoscope.resources_path import demo_recording_path

    demo = load_audio(demo_recording_path())
    chords = demo[round(10.4 * 44_100) : round(13.4 * 44_100)]  # the f chords
    quiet = chords[-round(2.1 * 44_100) :]
    below_db = playing_level_db(log_mel(quiet)) - (REFERENCE_LEVEL_DB - SILENCE_BELOW_MF_DB - 5)
    quiet = quiet * np.float32(10 ** (-below_db / 20))
    gain = np.float32(10 ** (gain_db / 20))
    ring = RingBuffer(44_100 * 8)
    worker = ClassifierWorker(ring, 44_100, load_classifier=lambda: Classifier(threads=1))
    worker.start()
    try:
        loud = _latest_after(worker, ring, chords * gain)
        after = _latest_after(worker, ring, quiet * gain)
    finally:
        worker.stop()
    assert not loud.is_silent and loud.piano_label == "grand-fluidr3"
    seen_db = signal_reference_level_db(chords[-WINDOW_SAMPLES:], 44_100) + gain_db
    assert worker.reference_db == pytest.approx(max(seen_db, TAKE_LOUDEST_DB), abs=0.01)
    assert after.is_silent


def test_missing_model_is_reported_and_spectra_keep_running():
    engine = LiveEngine(
        open_source(InputChoice.demo()),
        load_classifier=lambda: Classifier(Path("/nonexistent/classifier.pt")),
    )
    engine.start()
    try:
        wait_until(
            lambda: engine.classifier.problem is not None, 60, "the missing model is reported"
        )
        wait_until(lambda: engine.latest_frame is not None, 30, "spectra are still published")
    finally:
        engine.stop()
    assert "classifier is not available" in engine.classifier.problem
    assert engine.problem is None


def _run_fresh_python(*lines: str) -> None:
    """Run `lines` in a new interpreter (torch not imported yet) and require success."""
    finished = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)], capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr


PRELOAD = "from pianoscope.app.live.classifier_worker import preload_classifier_runtime"


def test_preloading_imports_torch_before_any_engine_starts():
    _run_fresh_python(
        "import sys",
        PRELOAD,
        "assert 'torch' not in sys.modules",
        "preload_classifier_runtime()",
        "assert 'torch' in sys.modules and 'pianoscope.model.inference' in sys.modules",
    )


def test_preloading_without_torch_is_quiet():
    _run_fresh_python(
        "import sys",
        "class NoTorch:",
        "    def find_spec(self, name, path=None, target=None):",
        "        if name.split('.')[0] == 'torch':",
        "            raise ModuleNotFoundError(name)",
        "sys.meta_path.insert(0, NoTorch())",
        PRELOAD,
        "preload_classifier_runtime()",
    )


def test_a_classifier_that_fails_mid_stream_is_reported_not_silently_gone():
    ring = RingBuffer(44_100 * 4)
    ring.write((0.3 * np.sin(2 * np.pi * 440 * np.arange(88_200) / 44_100)).astype(np.float32))

    class FailsOnSecondWindow:
        """The real classifier, until its second prediction raises."""

        def __init__(self):
            self.classifier = _untrained_classifier()
            self.calls = 0

        def set_calibration(self, calibration):
            self.classifier.set_calibration(calibration)

        def predict(self, audio, **options):
            self.calls += 1
            if self.calls == 2:
                raise IndexError("a bug in a prediction")
            return self.classifier.predict(audio, **options)

    worker = ClassifierWorker(ring, 44_100, load_classifier=FailsOnSecondWindow)
    worker.start()
    try:
        wait_until(lambda: worker.problem is not None, 60, "the failure is reported")
    finally:
        worker.stop()
    assert worker.problem.startswith("The classifier stopped (a bug in a prediction)")
    assert worker.latest is not None  # the first prediction stays shown
