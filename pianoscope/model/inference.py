"""Streaming inference for the live engine and the offline analysis: audio window → Prediction.

The classifier thread calls `Classifier.predict` every ~250 ms with the newest ~2 s of audio;
the analysis pipeline calls it (or `predict_features`) per 2-second segment. One call computes
the log-mel features, applies the input's calibration, decides silence from the playing level
and runs the network once (about 3 ms on one CPU thread, see bench/bench_model_inference.py).

Given the gain that places the whole take at the training level (`take_gain_db`, see
`pianoscope.model.calibration`), the window is read twice in one batch: placed by the take's
level for whether a piano plays, piano, form, the out-of-set score and silence, so that these do
not depend on the recording's gain, and by the input's calibration for intensity and `level_db`,
which say how loud the playing is.

A prediction answers two questions apart: is a piano playing (piano / other instrument, speech
or noise / silence), and if so which piano (a known one or `unknown`, another piano). Form and
intensity are given whenever a piano plays, known or not. (The live view and the analyses
complete them from the notes struck in the window: form always, intensity for a piano the
intensity head never heard and with the three-passage calibration;
`pianoscope.transcription.note_reading.with_note_reading`.)
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from pianoscope.dsp.features import log_mel, samples_for_frames
from pianoscope.model.calibration import REFERENCE_LEVEL_DB, Calibration, playing_level_db
from pianoscope.model.labels import (
    FORM_LABELS,
    INSTRUMENT_LABELS,
    INTENSITY_LABELS,
    OTHER,
    PIANO,
    PIANO_LABELS,
    SILENCE,
    UNKNOWN,
)
from pianoscope.model.network import WINDOW_FRAMES, PianoscopeNet
from pianoscope.model.weights import load_weights
from pianoscope.resources_path import resource_path

log = logging.getLogger(__name__)

WEIGHTS_NAME = "classifier.pt"
WINDOW_SAMPLES = samples_for_frames(WINDOW_FRAMES)  # 88 064 samples ≈ 2.0 s
# Shorter input than this is not classified (the conv blocks need a few frames).
MIN_FRAMES = 16
# Playing quieter than this, relative to the calibrated mf level, counts as silence: pp notes
# read about -16 dB re mf, a quiet room 40 dB or more below it.
SILENCE_BELOW_MF_DB = 40.0
# P(a piano plays) threshold of a network whose weights name none (trained ones store theirs).
DEFAULT_PIANO_THRESHOLD = 0.5


@dataclass(frozen=True)
class HeadProbabilities:
    """One head's softmax output over its labels."""

    labels: tuple[str, ...]
    probabilities: tuple[float, ...]

    @property
    def label(self) -> str:
        return self.labels[int(np.argmax(self.probabilities))]

    @property
    def probability(self) -> float:
        return float(max(self.probabilities))

    def as_dict(self) -> dict[str, float]:
        return dict(zip(self.labels, self.probabilities, strict=True))


_CERTAINLY_PIANO = HeadProbabilities(INSTRUMENT_LABELS, (1.0, 0.0))


@dataclass(frozen=True)
class Prediction:
    """What the classifier says about one window.

    `instrument` holds P(a piano plays) and P(other: another instrument, speech or noise), and
    `is_other` its decision at the shipped threshold; `is_silent` means nothing loud enough to
    classify was heard. When a piano plays, `piano` holds the probabilities among the known
    pianos, `unknown_score` is the out-of-set score and `is_unknown` its decision: another
    piano. `level_db` is the playing level relative to the calibrated mf level.
    """

    piano: HeadProbabilities
    form: HeadProbabilities
    intensity: HeadProbabilities
    unknown_score: float
    is_unknown: bool
    is_silent: bool
    level_db: float
    instrument: HeadProbabilities = _CERTAINLY_PIANO
    is_other: bool = False

    @property
    def plays_piano(self) -> bool:
        """A piano is playing, known or not: form and intensity are given."""
        return not (self.is_silent or self.is_other)

    @property
    def instrument_label(self) -> str:
        """`piano`, `other` (another instrument, speech or noise) or `silence`."""
        if self.is_silent:
            return SILENCE
        return OTHER if self.is_other else PIANO

    @property
    def instrument_probability(self) -> float:
        """The probability of `instrument_label` (1 for silence, decided from the level)."""
        if self.is_silent:
            return 1.0
        return self.instrument.as_dict()[self.instrument_label]

    @property
    def piano_label(self) -> str | None:
        """A known piano, `unknown` (another piano), or None when no piano plays."""
        if not self.plays_piano:
            return None
        return UNKNOWN if self.is_unknown else self.piano.label

    @property
    def piano_probability(self) -> float:
        """The probability of `piano_label`: P(another piano) for `unknown`."""
        return self.unknown_score if self.is_unknown else self.piano.probability

    @property
    def form_label(self) -> str | None:
        return self.form.label if self.plays_piano else None

    @property
    def intensity_label(self) -> str | None:
        return self.intensity.label if self.plays_piano else None


class WindowPredictor:
    """`predict` (audio) and `predict_features` (one window of features) for a classifier that
    classifies batches of feature windows (`predict_feature_batch`): the shipped one and an
    enrolled one answer alike."""

    def predict(
        self,
        audio: np.ndarray,
        *,
        take_gain_db: float | None = None,
        calibration: Calibration | None = None,
    ) -> Prediction:
        """Classify the newest ~2 s of `audio` (float32 mono, 44.1 kHz; older samples ignored);
        `take_gain_db`: see the module docstring; `calibration` replaces the classifier's own
        for this call (a take's stored one)."""
        window = np.asarray(audio, dtype=np.float32)[-WINDOW_SAMPLES:]
        return self.predict_features(
            log_mel(window),
            placed_features_db=placed_log_mel(window, take_gain_db),
            calibration=calibration,
        )

    def predict_features(
        self,
        features_db: np.ndarray,
        *,
        placed_features_db: np.ndarray | None = None,
        calibration: Calibration | None = None,
    ) -> Prediction:
        """Classify the newest `WINDOW_FRAMES` frames of raw (uncalibrated) log-mel features;
        `placed_features_db`: the same frames of the audio placed at the take's level."""
        placed = None if placed_features_db is None else placed_features_db[-WINDOW_FRAMES:][None]
        return self.predict_feature_batch(
            features_db[-WINDOW_FRAMES:][None], placed_windows_db=placed, calibration=calibration
        )[0]

    def predict_feature_batch(
        self,
        windows_db: np.ndarray,
        *,
        placed_windows_db: np.ndarray | None = None,
        calibration: Calibration | None = None,
    ) -> list[Prediction]:
        raise NotImplementedError


class Classifier(WindowPredictor):
    """The shipped network behind a thread-safe `predict`; one instance per input.

    `threads` sets torch's intra-op threads for the process (None leaves it alone); the live
    engine uses one so the classifier never competes with the audio and analysis threads.
    """

    def __init__(
        self,
        weights_path: Path | None = None,
        *,
        calibration: Calibration | None = None,
        threads: int | None = 1,
    ) -> None:
        loaded = load_weights(weights_path or resource_path(WEIGHTS_NAME))
        self._network = loaded.network
        self.unknown_threshold = loaded.unknown_threshold
        self.piano_threshold = loaded.piano_threshold
        self.calibration = calibration or Calibration()
        self._lock = threading.Lock()
        if threads is not None:
            torch.set_num_threads(threads)

    @classmethod
    def from_network(
        cls,
        network: PianoscopeNet,
        unknown_threshold: float,
        calibration: Calibration | None = None,
        piano_threshold: float | None = None,
    ) -> Classifier:
        """A classifier around an in-memory network (training, evaluation, tests, an
        enrolment); `piano_threshold`: the one its weights were saved with (None: 0.5), unused
        by a network without the instrument head."""
        classifier = cls.__new__(cls)
        classifier._network = network.eval()
        classifier.unknown_threshold = unknown_threshold
        classifier.piano_threshold = (
            (DEFAULT_PIANO_THRESHOLD if piano_threshold is None else piano_threshold)
            if network.instrument_head
            else None
        )
        classifier.calibration = calibration or Calibration()
        classifier._lock = threading.Lock()
        return classifier

    def set_calibration(self, calibration: Calibration) -> None:
        """Use a new calibration from the next call on (e.g. after the teacher calibrated)."""
        self.calibration = calibration

    def predict_feature_batch(
        self,
        windows_db: np.ndarray,
        *,
        placed_windows_db: np.ndarray | None = None,
        calibration: Calibration | None = None,
    ) -> list[Prediction]:
        """Classify a batch of equally long windows (batch, frames, bands) of raw features.

        `placed_windows_db`, the same windows of the audio placed at the take's level (no
        calibration applied to them), make the network see twice the batch: the placed windows
        first, then the calibrated ones (`EnrolledClassifier` relies on this order).
        `calibration` replaces the classifier's own for this call."""
        windows_db = np.asarray(windows_db, dtype=np.float32)
        calibrated = (calibration or self.calibration).apply(windows_db)
        placed = calibrated if placed_windows_db is None else np.asarray(placed_windows_db)
        levels_db = _playing_levels_db(calibrated)
        placed_levels_db = levels_db if placed is calibrated else _playing_levels_db(placed)
        if calibrated.shape[1] < MIN_FRAMES:
            return [_silent(level) for level in levels_db]
        batch = placed if placed_windows_db is None else np.concatenate([placed, calibrated])
        count = windows_db.shape[0]
        with self._lock, torch.inference_mode():
            logits = self._network(torch.from_numpy(batch))
            piano = torch.softmax(logits.piano[:count], dim=1).numpy()
            form = torch.softmax(logits.form[:count], dim=1).numpy()
            intensity = torch.softmax(logits.intensity[-count:], dim=1).numpy()
            known = torch.sigmoid(logits.known[:count]).numpy()
            if logits.instrument is None:
                # Weights without the instrument head: "one of the four pianos" is all they
                # can tell, so anything else counts as not a piano, as it always did.
                plays_piano, piano_threshold = known, self.unknown_threshold
            else:
                plays_piano = torch.sigmoid(logits.instrument[:count]).numpy()
                piano_threshold = self.piano_threshold
        return [
            Prediction(
                piano=_head(PIANO_LABELS, piano[i]),
                form=_head(FORM_LABELS, form[i]),
                intensity=_head(INTENSITY_LABELS, intensity[i]),
                unknown_score=float(1.0 - known[i]),
                is_unknown=bool(known[i] < self.unknown_threshold),
                is_silent=bool(placed_levels_db[i] < -SILENCE_BELOW_MF_DB),
                level_db=float(levels_db[i]),
                instrument=_head(INSTRUMENT_LABELS, np.array([plays_piano[i], 1 - plays_piano[i]])),
                is_other=bool(plays_piano[i] < piano_threshold),
            )
            for i in range(count)
        ]


def placed_log_mel(audio: np.ndarray, take_gain_db: float | None) -> np.ndarray | None:
    """Log-mel features of `audio` scaled by `take_gain_db` (None without one)."""
    if take_gain_db is None:
        return None
    return log_mel(np.asarray(audio, dtype=np.float32) * np.float32(10.0 ** (take_gain_db / 20.0)))


def _playing_levels_db(windows_db: np.ndarray) -> np.ndarray:
    """Each window's playing level relative to the mf reference, dB."""
    return np.array([playing_level_db(w) for w in windows_db]) - REFERENCE_LEVEL_DB


def _head(labels: tuple[str, ...], probabilities: np.ndarray) -> HeadProbabilities:
    return HeadProbabilities(labels, tuple(float(p) for p in probabilities))


def _silent(level_db: float) -> Prediction:
    def uniform(labels: tuple[str, ...]) -> HeadProbabilities:
        return HeadProbabilities(labels, tuple(1.0 / len(labels) for _ in labels))

    return Prediction(
        uniform(PIANO_LABELS),
        uniform(FORM_LABELS),
        uniform(INTENSITY_LABELS),
        unknown_score=1.0,
        is_unknown=True,
        is_silent=True,
        level_db=float(level_db),
        instrument=uniform(INSTRUMENT_LABELS),
    )
