"""Using an enrolment: its file (written atomically, read without pickle) and the classifier
that names the teacher's pianos with it.

Kept apart from `model.enrolment`, which makes an enrolment by fine-tuning: the live view,
analysis and review only load and use one.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import torch

from pianoscope.dsp.features import SAMPLE_RATE_HZ
from pianoscope.dsp.key_partials import MAX_HARMONIC
from pianoscope.errors import EnrolmentError
from pianoscope.model.calibration import Calibration
from pianoscope.model.enrolment import (
    ENROLMENT_FORMAT,
    ENROLMENT_KIND,
    MAX_ENROLMENT_BYTES,
    Enrolment,
    nearest_distance,
    trunk_fingerprint,
    validate_names,
)
from pianoscope.model.inference import (
    WEIGHTS_NAME,
    WINDOW_SAMPLES,
    Classifier,
    HeadProbabilities,
    Prediction,
    WindowPredictor,
)
from pianoscope.model.labels import ANOTHER_PIANO
from pianoscope.model.network import PianoscopeNet
from pianoscope.model.one_piano import OnePiano, mine_probability
from pianoscope.model.piano_fingerprint import (
    KEYS,
    MAX_AGREEING_RATE,
    MIN_AGREEING_RATE,
    PianoFingerprint,
    string_readings,
)
from pianoscope.model.piano_fingerprint import mine_probability as fingerprint_probability
from pianoscope.model.torch_files import ReadProblems, load_torch_dict, save_torch_dict
from pianoscope.model.weights import LoadedWeights, load_weights
from pianoscope.resources_path import resource_path

# -- the enrolment file ----------------------------------------------------------------------

_TENSORS = ("head_weight", "head_bias", "summary_mean", "summary_scale", "centroids")
# A one-piano enrolment's decision (`pianoscope.model.one_piano`); its mean and distance limit
# are the enrolment's summary_mean and unknown_distance.
_ONE_PIANO_NUMBERS = ("distance_spread", "others_accepted")
# Its fingerprint (`pianoscope.model.piano_fingerprint`); enrolments made before it have none.
_FINGERPRINT_KEY = "one_piano_key_cents"
_MAX_PARTIAL_CENTS = 1200.0


def save_enrolment(path: Path, enrolment: Enrolment) -> Path:
    """Write the enrolment file atomically (a crash never leaves half a file, a failure no
    partial one; what a killed save left in the folder goes first); returns `path`."""
    payload: dict[str, object] = {
        "format": ENROLMENT_FORMAT,
        "kind": ENROLMENT_KIND,
        "names": json.dumps(list(enrolment.names)),
        "unknown_distance": float(enrolment.unknown_distance),
        "trunk": enrolment.trunk,
        "validation_accuracy": float(enrolment.validation_accuracy),
        "metadata": json.dumps(enrolment.metadata),
    }
    for name in _TENSORS:
        payload[name] = getattr(enrolment, name).detach().to(torch.float32).clone()
    if enrolment.one_piano is not None:
        payload["one_piano_whitening"] = enrolment.one_piano.whitening.to(torch.float32).clone()
        for name in _ONE_PIANO_NUMBERS:
            payload[f"one_piano_{name}"] = float(getattr(enrolment.one_piano, name))
        fingerprint = enrolment.one_piano.fingerprint
        if fingerprint is not None:
            payload["one_piano_key_cents"] = torch.from_numpy(
                fingerprint.key_cents.astype(np.float32)
            )
            payload["one_piano_agreeing_rate"] = float(fingerprint.agreeing_rate)
    return save_torch_dict(path, payload)


def load_enrolment(path: Path, network: PianoscopeNet | None = None) -> Enrolment:
    """Read and check an enrolment file; with `network`, also that it fits that trunk.

    Raises EnrolmentError with a sentence for the teacher for anything missing, damaged, of
    another version or made for other classifier weights.
    """
    path = Path(path)
    problems = ReadProblems(
        missing=f"The enrolment {path.name} is missing; enrol the pianos again.",
        damaged=f"The enrolment {path.name} is damaged; enrol the pianos again.",
        too_large=f"{path.name} is too large to be a Pianoscope enrolment.",
    )
    payload = load_torch_dict(path, EnrolmentError, problems, MAX_ENROLMENT_BYTES)
    if not isinstance(payload, dict) or payload.get("kind") != ENROLMENT_KIND:
        raise EnrolmentError(f"{path.name} is not a Pianoscope enrolment.")
    if payload.get("format") != ENROLMENT_FORMAT:
        raise EnrolmentError(
            f"{path.name} was made by another version of Pianoscope; enrol the pianos again."
        )
    try:
        enrolment = _from_payload(payload)
    except (KeyError, TypeError, ValueError, json.JSONDecodeError) as error:
        raise EnrolmentError(f"The enrolment {path.name} is damaged: {error}") from error
    if network is not None:
        check_fits(enrolment, network, path.name)
    return enrolment


def _from_payload(payload: dict[str, object]) -> Enrolment:
    names_value = json.loads(_typed(payload, "names", str))
    if not isinstance(names_value, list) or not all(isinstance(n, str) for n in names_value):
        raise ValueError("the piano names are not a list of names")
    try:
        names = validate_names(names_value)
    except EnrolmentError as error:
        raise ValueError(str(error)) from error
    metadata = json.loads(_typed(payload, "metadata", str))
    if not isinstance(metadata, dict):
        raise ValueError("its notes are not a table")
    tensors = {name: _typed(payload, name, torch.Tensor) for name in _TENSORS}
    for name, tensor in tensors.items():
        if tensor.dtype != torch.float32 or not bool(torch.isfinite(tensor).all()):
            raise ValueError(f"{name} is not finite float32")
    pianos = len(names)
    width = tensors["summary_mean"].shape[0] if tensors["summary_mean"].dim() == 1 else 0
    expected = {
        "head_weight": (pianos, width),
        "head_bias": (pianos,),
        "summary_mean": (width,),
        "summary_scale": (width,),
        "centroids": (pianos, width),
    }
    for name, shape in expected.items():
        if tuple(tensors[name].shape) != shape or width < 1:
            raise ValueError(f"{name} has shape {tuple(tensors[name].shape)}, expected {shape}")
    if not bool((tensors["summary_scale"] > 0).all()):
        raise ValueError("summary_scale is not positive")
    unknown_distance = float(_typed(payload, "unknown_distance", float))
    accuracy = float(_typed(payload, "validation_accuracy", float))
    if not (unknown_distance > 0 and np.isfinite(unknown_distance)) or not 0 <= accuracy <= 1:
        raise ValueError("its thresholds are out of range")
    return Enrolment(
        names=names,
        unknown_distance=unknown_distance,
        trunk=_typed(payload, "trunk", str),
        validation_accuracy=accuracy,
        metadata=metadata,
        one_piano=_one_piano(payload, tensors, unknown_distance) if pianos == 1 else None,
        **tensors,
    )


def _one_piano(
    payload: Mapping[str, object], tensors: Mapping[str, torch.Tensor], distance_limit: float
) -> OnePiano:
    """The one-piano decision kept in an enrolment file, checked like the rest."""
    whitening = _typed(payload, "one_piano_whitening", torch.Tensor)
    width = tensors["summary_mean"].shape[0]
    if whitening.dtype != torch.float32 or tuple(whitening.shape) != (width, width):
        raise ValueError("the one-piano whitening does not fit the summaries")
    if not bool(torch.isfinite(whitening).all()):
        raise ValueError("the one-piano whitening is not finite")
    numbers = {
        name: float(_typed(payload, f"one_piano_{name}", float)) for name in _ONE_PIANO_NUMBERS
    }
    if not all(np.isfinite(value) for value in numbers.values()):
        raise ValueError("the one-piano limits are not finite")
    if numbers["distance_spread"] <= 0 or not 0 <= numbers["others_accepted"] <= 1:
        raise ValueError("the one-piano figures are out of range")
    return OnePiano(
        mean=tensors["summary_mean"],
        whitening=whitening,
        distance_limit=distance_limit,
        fingerprint=_fingerprint(payload) if _FINGERPRINT_KEY in payload else None,
        **numbers,
    )


def _fingerprint(payload: Mapping[str, object]) -> PianoFingerprint:
    """The piano's fingerprint kept in an enrolment file (NaN marks what was not heard)."""
    key_cents = _typed(payload, _FINGERPRINT_KEY, torch.Tensor)
    if key_cents.dtype != torch.float32 or tuple(key_cents.shape) != (KEYS, MAX_HARMONIC):
        raise ValueError("the piano's fingerprint does not fit the keys")
    heard = key_cents[~torch.isnan(key_cents)]
    if not bool((heard.abs() <= _MAX_PARTIAL_CENTS).all()):
        raise ValueError("the piano's fingerprint is out of range")
    rate = float(_typed(payload, "one_piano_agreeing_rate", float))
    if not MIN_AGREEING_RATE <= rate <= MAX_AGREEING_RATE:
        raise ValueError("the piano's fingerprint rate is out of range")
    return PianoFingerprint(key_cents.numpy().astype(np.float64), rate)


def _typed(payload: Mapping[str, object], key: str, kind: type) -> object:
    value = payload[key]
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind):
        raise TypeError(f"{key} is a {type(value).__name__}, expected {kind.__name__}")
    return value


def check_fits(enrolment: Enrolment, network: PianoscopeNet, name: str = "The enrolment") -> None:
    """Raise EnrolmentError unless the enrolment's head was trained on this network's trunk."""
    width = network.piano_head.in_features
    if enrolment.head_weight.shape[1] != width or enrolment.trunk != trunk_fingerprint(network):
        raise EnrolmentError(
            f"{name} was made for another version of the classifier; enrol the pianos again "
            "(the shipped model is used until then)."
        )


# -- classifying with the teacher's names ----------------------------------------------------


class EnrolledClassifier(WindowPredictor):
    """The shipped classifier whose piano answer is the teacher's names.

    Form, intensity, silence and the level come from the shipped network; the same forward pass
    hands its summary to the enrolled head and to the out-of-set test. Thread-safe like
    `Classifier`, and a drop-in for it in the live engine and the analysis.
    """

    def __init__(
        self,
        enrolment: Enrolment,
        loaded: LoadedWeights,
        *,
        calibration: Calibration | None = None,
    ) -> None:
        check_fits(enrolment, loaded.network)
        self.enrolment = enrolment
        self._base = Classifier.from_network(
            loaded.network, loaded.unknown_threshold, calibration, loaded.piano_threshold
        )
        self._captured: list[torch.Tensor] = []
        loaded.network.piano_head.register_forward_pre_hook(
            lambda _module, inputs: self._captured.append(inputs[0].detach())
        )
        self._lock = threading.Lock()

    @classmethod
    def load(
        cls,
        enrolment_path: Path,
        weights_path: Path | None = None,
        *,
        calibration: Calibration | None = None,
        threads: int | None = 1,
    ) -> EnrolledClassifier:
        """The enrolment on top of the shipped (or given) weights; EnrolmentError / ModelError
        when either cannot be used."""
        loaded = load_weights(weights_path or resource_path(WEIGHTS_NAME))
        enrolment = load_enrolment(enrolment_path)
        if threads is not None:
            torch.set_num_threads(threads)
        return cls(enrolment, loaded, calibration=calibration)

    @property
    def names(self) -> tuple[str, ...]:
        return self.enrolment.names

    @property
    def piano_labels(self) -> tuple[str, ...]:
        """The labels of the piano probabilities: the names, and "another piano" beside a
        single enrolled piano."""
        return self.names + ((ANOTHER_PIANO,) if self.enrolment.one_piano is not None else ())

    @property
    def calibration(self) -> Calibration:
        return self._base.calibration

    def set_calibration(self, calibration: Calibration) -> None:
        """Use a new calibration from the next call on (e.g. after the teacher calibrated)."""
        self._base.set_calibration(calibration)

    def predict(
        self,
        audio: np.ndarray,
        *,
        take_gain_db: float | None = None,
        calibration: Calibration | None = None,
    ) -> Prediction:
        """As `WindowPredictor.predict`; beside one enrolled piano, the window is the teacher's
        piano only if the fingerprint of its strings agrees too (the audio is at hand here, not
        in `predict_feature_batch`, which decides from the trunk alone)."""
        prediction = super().predict(audio, take_gain_db=take_gain_db, calibration=calibration)
        decision = self.enrolment.one_piano
        if decision is None or decision.fingerprint is None or not prediction.plays_piano:
            return prediction
        window = np.asarray(audio, dtype=np.float32)[-WINDOW_SAMPLES:]
        strings = fingerprint_probability(
            decision.fingerprint, string_readings(window, SAMPLE_RATE_HZ)
        )
        mine = min(prediction.piano.probabilities[0], strings)
        return self._one_piano_prediction(prediction, mine)

    def predict_feature_batch(
        self,
        windows_db: np.ndarray,
        *,
        placed_windows_db: np.ndarray | None = None,
        calibration: Calibration | None = None,
    ) -> list[Prediction]:
        """Classify a batch of equally long windows (batch, frames, bands) of raw features; the
        teacher's pianos are named from the placed windows, if given (see `Classifier`)."""
        with self._lock:
            self._captured.clear()
            shipped = self._base.predict_feature_batch(
                windows_db, placed_windows_db=placed_windows_db, calibration=calibration
            )
            summary = self._captured[-1][: len(shipped)] if self._captured else None
        if summary is None:  # too short to run the network: the shipped answer is silence
            labels = self.piano_labels
            uniform = tuple(1.0 / len(labels) for _ in labels)
            return [
                dataclasses.replace(p, piano=HeadProbabilities(labels, uniform)) for p in shipped
            ]
        enrolment = self.enrolment
        if enrolment.one_piano is not None:
            return self._one_piano_predictions(shipped, summary, enrolment.one_piano)
        with torch.inference_mode():
            probabilities = torch.softmax(
                summary @ enrolment.head_weight.T + enrolment.head_bias, dim=1
            ).numpy()
            standard = (summary - enrolment.summary_mean) / enrolment.summary_scale
            distance = nearest_distance(standard, enrolment.centroids).numpy()
        return [
            dataclasses.replace(
                prediction,
                piano=HeadProbabilities(self.names, tuple(float(p) for p in probabilities[i])),
                unknown_score=float(distance[i] / (distance[i] + enrolment.unknown_distance)),
                is_unknown=prediction.is_silent or bool(distance[i] > enrolment.unknown_distance),
                is_other=self._is_other(prediction),
            )
            for i, prediction in enumerate(shipped)
        ]

    def _one_piano_predictions(
        self, shipped: list[Prediction], summary: torch.Tensor, decision: OnePiano
    ) -> list[Prediction]:
        """The teacher's piano or another piano (reported `unknown` in analyses)."""
        with torch.inference_mode():
            mine = mine_probability(decision, summary).numpy()
        return [
            self._one_piano_prediction(
                prediction, float(mine[i]), is_other=self._is_other(prediction)
            )
            for i, prediction in enumerate(shipped)
        ]

    def _one_piano_prediction(
        self, prediction: Prediction, mine: float, *, is_other: bool | None = None
    ) -> Prediction:
        """`prediction` naming the teacher's piano with probability `mine`."""
        return dataclasses.replace(
            prediction,
            piano=HeadProbabilities((self.names[0], ANOTHER_PIANO), (mine, 1.0 - mine)),
            unknown_score=1.0 - mine,
            is_unknown=prediction.is_silent or mine < 0.5,
            is_other=prediction.is_other if is_other is None else is_other,
        )

    def _is_other(self, shipped: Prediction) -> bool:
        """Not a piano: the shipped instrument head's answer. Weights without that head only
        know the four shipped pianos, so the enrolment's own distance test decides alone."""
        return shipped.is_other and self._base.piano_threshold is not None
