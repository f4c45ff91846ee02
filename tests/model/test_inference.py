from __future__ import annotations

import dataclasses
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from support.networks import biased_network

from pianoscope.audio.ringbuffer import RingBuffer
from pianoscope.dsp.features import DEFAULT_CONFIG, SAMPLE_RATE_HZ
from pianoscope.errors import ModelError
from pianoscope.model.calibration import REFERENCE_LEVEL_DB, Calibration, calibrate
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier, Prediction
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, PIANO_LABELS
from pianoscope.model.network import NetworkConfig, PianoscopeNet
from pianoscope.model.weights import save_weights


@pytest.fixture(scope="module")
def untrained_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("weights") / "classifier.pt"
    save_weights(path, PianoscopeNet().eval(), unknown_threshold=0.5)
    return path


def _tone(amplitude: float, duration_s: float = 2.0, freq_hz: float = 261.6) -> np.ndarray:
    time_s = np.arange(int(duration_s * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    decay = np.exp(-(time_s % 0.5) * 4.0)
    return (amplitude * decay * np.sin(2 * np.pi * freq_hz * time_s)).astype(np.float32)


def test_prediction_has_normalised_heads_and_is_frozen(untrained_weights: Path) -> None:
    prediction = Classifier(untrained_weights).predict(_tone(0.1))
    assert prediction.piano.labels == PIANO_LABELS
    assert prediction.form.labels == FORM_LABELS
    assert prediction.intensity.labels == INTENSITY_LABELS
    for head in (prediction.piano, prediction.form, prediction.intensity):
        assert sum(head.probabilities) == pytest.approx(1.0, abs=1e-5)
    assert 0.0 <= prediction.unknown_score <= 1.0
    assert not prediction.is_silent
    with pytest.raises(dataclasses.FrozenInstanceError):
        prediction.is_silent = True  # type: ignore[misc]


def test_silence_is_reported_silent_without_labels(untrained_weights: Path) -> None:
    prediction = Classifier(untrained_weights).predict(np.zeros(WINDOW_SAMPLES, np.float32))
    assert prediction.is_silent
    assert prediction.piano_label is None
    assert prediction.form_label is None


def test_a_very_short_input_is_silent_not_an_error(untrained_weights: Path) -> None:
    assert Classifier(untrained_weights).predict(_tone(0.1, duration_s=0.05)).is_silent


def test_only_the_newest_two_seconds_count(untrained_weights: Path) -> None:
    classifier = Classifier(untrained_weights)
    window = _tone(0.1)
    older = np.concatenate([np.random.default_rng(0).normal(0, 0.5, 5 * SAMPLE_RATE_HZ), window])
    assert classifier.predict(older.astype(np.float32)) == classifier.predict(window)


def test_calibration_moves_a_quiet_input_to_the_reference_level(untrained_weights: Path) -> None:
    quiet_mf = _tone(0.005)
    calibration = calibrate(quiet_mf)
    assert calibration.offset_db < -15.0
    calibrated = Classifier(untrained_weights, calibration=calibration).predict(quiet_mf)
    assert calibrated.level_db == pytest.approx(0.0, abs=0.5)
    uncalibrated = Classifier(untrained_weights).predict(quiet_mf)
    assert uncalibrated.level_db == pytest.approx(calibrated.level_db + calibration.offset_db)
    assert REFERENCE_LEVEL_DB + calibration.offset_db < REFERENCE_LEVEL_DB


def test_missing_weights_raise_a_model_error_for_the_teacher(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="missing"):
        Classifier(tmp_path / "nothing.pt")


def test_damaged_weights_raise_a_model_error(tmp_path: Path) -> None:
    path = tmp_path / "classifier.pt"
    path.write_bytes(b"not a weights file")
    with pytest.raises(ModelError):
        Classifier(path)


def test_classifier_thread_reads_the_ring_like_the_live_engine(untrained_weights: Path) -> None:
    """A writer fills the ring in 512-sample blocks; a worker predicts every 250 ms of audio.

    How long one prediction takes is bench/bench_model_inference.py's figure, not bounded here.
    """
    ring = RingBuffer(4 * SAMPLE_RATE_HZ)
    classifier = Classifier(untrained_weights, calibration=Calibration(0.0))
    predictions: list[Prediction] = []
    stop = threading.Event()
    hop = SAMPLE_RATE_HZ // 4

    def classify() -> None:
        next_at = WINDOW_SAMPLES
        while not stop.is_set() or ring.written >= next_at:
            if not ring.wait_until_written(next_at, timeout_s=0.05):
                continue
            window = ring.latest(WINDOW_SAMPLES).samples
            predictions.append(classifier.predict(window))
            next_at += hop

    worker = threading.Thread(target=classify)
    worker.start()
    audio = _tone(0.1, duration_s=4.0)
    for start in range(0, audio.size, 512):
        ring.write(audio[start : start + 512])
        time.sleep(0.0005)  # stimulus: blocks arrive spread out, as from a sound card
    stop.set()
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert len(predictions) == (audio.size - WINDOW_SAMPLES) // hop + 1
    assert all(not p.is_silent for p in predictions)


def test_another_piano_keeps_form_and_intensity_and_no_piano_has_none() -> None:
    window = _tone(0.1)
    another = Classifier.from_network(biased_network(plays_piano=6.0, known=-6.0), 0.5).predict(
        window
    )
    assert another.plays_piano and another.is_unknown
    assert (another.instrument_label, another.piano_label) == ("piano", "unknown")
    assert another.form_label in FORM_LABELS and another.intensity_label in INTENSITY_LABELS
    assert another.piano_probability == pytest.approx(another.unknown_score)
    other = Classifier.from_network(biased_network(plays_piano=-6.0, known=6.0), 0.5).predict(
        window
    )
    assert other.instrument_label == "other" and other.instrument_probability > 0.99
    assert other.piano_label is other.form_label is other.intensity_label is None


def test_weights_without_the_instrument_head_still_load(tmp_path: Path) -> None:
    """Format 2 (the weights shipped before the instrument head): what is not one of the four
    pianos counts as not a piano, as it always did."""
    torch.manual_seed(0)
    network = PianoscopeNet(NetworkConfig(instrument_head=False)).eval()
    path = tmp_path / "old.pt"
    config = network.config.to_dict()
    del config["instrument_head"]
    torch.save(
        {
            "format": 2,
            "network": config,
            "labels": {
                "piano": list(PIANO_LABELS),
                "form": list(FORM_LABELS),
                "intensity": list(INTENSITY_LABELS),
            },
            "features": dataclasses.asdict(DEFAULT_CONFIG),
            "unknown_threshold": 0.5,
            "metadata": {},
            "state_dict": network.state_dict(),
        },
        path,
    )
    classifier = Classifier(path)
    assert classifier.piano_threshold is None
    prediction = classifier.predict(_tone(0.1))
    assert prediction.is_other == prediction.is_unknown
    assert prediction.instrument.probabilities[0] == pytest.approx(1 - prediction.unknown_score)
