"""Held-out evaluation: per-head accuracy, confusion matrices, `unknown` rates, robustness.

Every clip of the held-out dataset is judged on its centred 2-second window, exactly as the
live classifier would see it. Held-out pianos are judged in two groups: pianos with samples of
their own (the target) and voicings of a known piano's samples (reported, see `sources`).
Robustness to input gain and to calibration errors is measured by shifting the features (a gain
of g dB adds g dB to every band above the floor, so this is exact up to the floor); robustness
to white noise is measured on audio (`robustness.py`) and passed in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from pianoscope.dsp.features import FLOOR_DB
from pianoscope.model.calibration import Calibration
from pianoscope.model.inference import Classifier, Prediction
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, PIANO_LABELS, UNKNOWN
from pianoscope.model.network import WINDOW_FRAMES
from pianoscope.model.training.report_png import write_confusion_png
from pianoscope.model.training.robustness import NoiseRobustness
from pianoscope.model.training.soundfont_samples import shares_samples
from pianoscope.model.training.sources import (
    HELD_OUT_PIANOS,
    KNOWN_PIANOS,
    TIMBRE_BEARING_PIANOS,
    instrument_name,
)
from pianoscope.model.training.synth import (
    KIND_HELD_OUT_PIANO,
    KIND_KNOWN,
    KIND_NEGATIVE,
    KIND_NOISE,
    KIND_POOL,
    KIND_SPEECH,
    Dataset,
)
from pianoscope.progress import ProgressCallback

GAIN_TEST_PIANO = TIMBRE_BEARING_PIANOS[0]
GAIN_STEPS_DB = (-12.0, 12.0)
MISCALIBRATION_DB = (-3.0, 3.0)


@dataclass(frozen=True)
class HeadReport:
    """Accuracy of one head on known-piano windows and its (true × predicted) counts."""

    true_labels: list[str]
    predicted_labels: list[str]
    accuracy: float
    confusion: list[list[int]]


@dataclass(frozen=True)
class ProductReading:
    """Form and intensity as the product shows them (`note_reading`: the head and the notes
    struck in the window together), on the known pianos' windows, and form on the pool's.
    The heads' figures above them are what the network alone answers."""

    form_accuracy: float
    intensity_accuracy: float
    intensity_off_by_more_than_one: float
    intensity_accuracy_per_piano: dict[str, float]
    pool_form_accuracy: float


# The product's reading of a window's notes (`note_reading.with_note_reading`): (prediction, the
# window's audio, calibration) -> the prediction with the form and intensity the product gives.
NoteReader = Callable[[Prediction, np.ndarray, Calibration | None], Prediction]


@dataclass(frozen=True)
class EvaluationReport:
    windows: dict[str, int]
    piano: HeadReport  # predicted `unknown` counts as wrong
    form: HeadReport
    intensity: HeadReport
    piano_accuracy_among_four: float
    intensity_off_by_more_than_one: float
    intensity_spearman_per_piano: dict[str, float | None]  # None: a constant prediction
    intensity_accuracy_per_piano: dict[str, float]
    known_called_unknown: float
    held_out_pianos_called_unknown: float  # held-out pianos with samples of their own
    held_out_voicings_called_unknown: float  # held-out programs playing a known piano's samples
    held_out_pianos_called_unknown_per_program: dict[str, float]
    negatives_called_unknown: float
    noise_called_unknown_or_silent: float
    gain_changes_intensity: dict[str, float]  # GAIN_TEST_PIANO, per gain step
    intensity_accuracy_miscalibrated: dict[str, float]  # all known pianos, per calibration error
    noise_robustness: NoiseRobustness | None
    unknown_threshold: float
    # The two questions: share of piano windows (known, pool, held-out pianos) that get form
    # and intensity, and of other instruments, speech and noise that (wrongly) get them.
    piano_windows_given: float = float("nan")
    others_given: dict[str, float] | None = None
    pool_form_accuracy: float = float("nan")  # form on the pool's pianos (new content)
    # Known windows whose piano or form answer changes under ±12 dB of input gain.
    gain_changes_piano_or_form: dict[str, float] | None = None
    product: ProductReading | None = None  # `product_reading`, when the clips' audio was read
    # Each other instrument's share of windows given form and intensity (source: the share)
    others_given_per_program: dict[str, float] | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)


def evaluate(
    classifier: Classifier,
    dataset: Dataset,
    noise_robustness: NoiseRobustness | None = None,
    *,
    product_audio: np.ndarray | None = None,
    read_notes: NoteReader | None = None,
    progress: ProgressCallback | None = None,
) -> EvaluationReport:
    """Judge `classifier` on every held-out clip's centred window; with `product_audio` (the
    audio of `product_rows(dataset)`' centred windows) and `read_notes`, also as the product
    reads them (`product_reading`, whose progress `progress` follows)."""
    windows = centred_windows(dataset)
    predictions = predict_windows(classifier, windows)
    product = None
    if product_audio is not None and read_notes is not None:
        product = product_reading(
            classifier, dataset, predictions, product_audio, read_notes, progress
        )
    kind = dataset.kind
    known = kind == KIND_KNOWN
    true_piano = dataset.piano[known]
    piano_called = np.array([_piano_index(p) for p in predictions])[known]
    form = np.array([FORM_LABELS.index(p.form.label) for p in predictions])[known]
    intensity = _intensity_indices(predictions)[known]
    true_intensity = dataset.intensity[known]
    not_piano = np.array([p.piano_label in (None, UNKNOWN) for p in predictions])
    plays = np.array([p.plays_piano for p in predictions])
    voicing = np.isin(dataset.source, sorted(voicings_of_known_pianos()))
    return EvaluationReport(
        windows={k: int(np.sum(kind == k)) for k in dict.fromkeys(kind.tolist())},
        piano=_head_report(PIANO_LABELS, (*PIANO_LABELS, UNKNOWN), true_piano, piano_called),
        form=_head_report(FORM_LABELS, FORM_LABELS, dataset.form[known], form),
        intensity=_head_report(INTENSITY_LABELS, INTENSITY_LABELS, true_intensity, intensity),
        piano_accuracy_among_four=float(
            np.mean(
                np.array([PIANO_LABELS.index(p.piano.label) for p in predictions])[known]
                == true_piano
            )
        ),
        intensity_off_by_more_than_one=float(np.mean(np.abs(intensity - true_intensity) > 1)),
        intensity_spearman_per_piano=_per_piano(
            true_piano, lambda m: _spearman(true_intensity[m], intensity[m])
        ),
        intensity_accuracy_per_piano=_per_piano(
            true_piano, lambda m: float(np.mean(true_intensity[m] == intensity[m]))
        ),
        known_called_unknown=float(np.mean(not_piano[known])),
        held_out_pianos_called_unknown=_share(not_piano, (kind == KIND_HELD_OUT_PIANO) & ~voicing),
        held_out_voicings_called_unknown=_share(not_piano, (kind == KIND_HELD_OUT_PIANO) & voicing),
        held_out_pianos_called_unknown_per_program=_share_per_source(
            not_piano, dataset, kind == KIND_HELD_OUT_PIANO
        ),
        negatives_called_unknown=_share(not_piano, kind == KIND_NEGATIVE),
        noise_called_unknown_or_silent=_share(not_piano, kind == KIND_NOISE),
        gain_changes_intensity=_gain_changes(classifier, windows, dataset, intensity),
        intensity_accuracy_miscalibrated=_miscalibrated(classifier, windows, dataset),
        noise_robustness=noise_robustness,
        unknown_threshold=classifier.unknown_threshold,
        piano_windows_given=_share(plays, dataset.instrument == 1),
        others_given={
            name: _share(plays, kind == other)
            for name, other in (
                ("other instruments", KIND_NEGATIVE),
                ("speech", KIND_SPEECH),
                ("noise", KIND_NOISE),
            )
            if np.any(kind == other)
        },
        pool_form_accuracy=_share(
            np.array([FORM_LABELS.index(p.form.label) for p in predictions]) == dataset.form,
            kind == KIND_POOL,
        ),
        gain_changes_piano_or_form=_identity_gain_changes(classifier, windows, predictions, known),
        others_given_per_program=_share_per_source(plays, dataset, kind == KIND_NEGATIVE),
        product=product,
    )


def product_rows(dataset: Dataset) -> np.ndarray:
    """The rows `product_reading` reads: the known pianos' windows and the pool's."""
    return np.flatnonzero(np.isin(dataset.kind, (KIND_KNOWN, KIND_POOL)))


def product_reading(
    classifier: Classifier,
    dataset: Dataset,
    predictions: list[Prediction],
    audio: np.ndarray,
    read_notes: NoteReader,
    progress: ProgressCallback | None = None,
) -> ProductReading:
    """Judge form and intensity as the product reads them: the classifier's `predictions` of
    each of `product_rows(dataset)` (`predictions`: of every window of `dataset`; `audio`:
    (those rows, samples), the audio of each one's centred window) completed by `read_notes`
    with the classifier's calibration. Every window is read, also those the gate does not give
    form and intensity (counted apart: `piano_windows_given`), as the leave-one-out judge
    does."""
    rows = product_rows(dataset)
    heard = [predictions[row] for row in rows]
    read = []
    for prediction, window in zip(heard, audio, strict=True):
        read.append(read_notes(replace(prediction, is_other=False), window, classifier.calibration))
        if progress is not None:
            progress(len(read) / len(heard))
    form = np.array([FORM_LABELS.index(p.form.label) for p in read])
    intensity = _intensity_indices(read)
    known = dataset.kind[rows] == KIND_KNOWN
    true_intensity = dataset.intensity[rows][known]
    return ProductReading(
        form_accuracy=float(np.mean(form[known] == dataset.form[rows][known])),
        intensity_accuracy=float(np.mean(intensity[known] == true_intensity)),
        intensity_off_by_more_than_one=float(
            np.mean(np.abs(intensity[known] - true_intensity) > 1)
        ),
        intensity_accuracy_per_piano=_per_piano(
            dataset.piano[rows][known], lambda m: _share(intensity[known] == true_intensity, m)
        ),
        pool_form_accuracy=_share(form == dataset.form[rows], ~known),
    )


def voicings_of_known_pianos() -> set[str]:
    """Names of the held-out programs that play the samples of one of the four known pianos.

    They are the known piano voiced differently (see `pianoscope.model.training.sources`), so
    they are reported apart from pianos with samples of their own.
    """
    return {
        instrument_name(held_out)
        for held_out in HELD_OUT_PIANOS
        if any(shares_samples(held_out, known) for known in KNOWN_PIANOS)
    }


def write_report(report: EvaluationReport, out_dir: Path) -> list[Path]:
    """Write report.json and one confusion-matrix PNG per head into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "report.json"]
    written[0].write_text(report.to_json() + "\n", encoding="utf-8")
    for name in ("piano", "form", "intensity"):
        head: HeadReport = getattr(report, name)
        path = out_dir / f"confusion_{name}.png"
        write_confusion_png(
            path,
            f"{name}: {100 * head.accuracy:.1f}%",
            head.true_labels,
            head.predicted_labels,
            np.array(head.confusion),
        )
        written.append(path)
    return written


def centred_windows(dataset: Dataset) -> np.ndarray:
    """The centred `WINDOW_FRAMES` frames of every clip, float32 dB."""
    start = (dataset.features_db.shape[1] - WINDOW_FRAMES) // 2
    return dataset.features_db[:, start : start + WINDOW_FRAMES].astype(np.float32)


def predict_windows(
    classifier: Classifier,
    windows: np.ndarray,
    calibration: Calibration | None = None,
    batch: int = 256,
) -> list[Prediction]:
    """The classifier's answer for every window, in batches; `calibration` replaces its own."""
    predictions: list[Prediction] = []
    for first in range(0, windows.shape[0], batch):
        predictions += classifier.predict_feature_batch(
            windows[first : first + batch], calibration=calibration
        )
    return predictions


def _piano_index(prediction: Prediction) -> int:
    label = prediction.piano_label
    return len(PIANO_LABELS) if label in (None, UNKNOWN) else PIANO_LABELS.index(label)


def _intensity_indices(predictions: list[Prediction]) -> np.ndarray:
    return np.array([INTENSITY_LABELS.index(p.intensity.label) for p in predictions])


def _head_report(
    true_labels: tuple[str, ...],
    predicted_labels: tuple[str, ...],
    truth: np.ndarray,
    predicted: np.ndarray,
) -> HeadReport:
    confusion = np.zeros((len(true_labels), len(predicted_labels)), dtype=int)
    np.add.at(confusion, (truth, predicted), 1)
    return HeadReport(
        list(true_labels),
        list(predicted_labels),
        float(np.mean(truth == predicted)),
        confusion.tolist(),
    )


def _per_piano(true_piano: np.ndarray, metric: Callable[[np.ndarray], Any]) -> dict[str, Any]:
    return {label: metric(true_piano == i) for i, label in enumerate(PIANO_LABELS)}


def _spearman(truth: np.ndarray, predicted: np.ndarray) -> float | None:
    if np.ptp(truth) == 0 or np.ptp(predicted) == 0:
        return None
    return float(spearmanr(truth, predicted)[0])


def _share(flags: np.ndarray, mask: np.ndarray) -> float:
    return float(np.mean(flags[mask])) if mask.any() else float("nan")


def _share_per_source(flags: np.ndarray, dataset: Dataset, mask: np.ndarray) -> dict[str, float]:
    """`_share` of `flags` among the `mask` windows of each source they come from."""
    return {
        source: _share(flags, mask & (dataset.source == source))
        for source in sorted(set(dataset.source[mask]))
    }


def _gain_changes(
    classifier: Classifier, windows: np.ndarray, dataset: Dataset, intensity: np.ndarray
) -> dict[str, float]:
    """Share of GAIN_TEST_PIANO windows whose intensity class changes under each gain step."""
    known = dataset.kind == KIND_KNOWN
    chosen = known & (dataset.piano == PIANO_LABELS.index(GAIN_TEST_PIANO))
    reference = intensity[chosen[known]]
    changes = {}
    for gain_db in GAIN_STEPS_DB:
        shifted = np.maximum(windows[chosen] + np.float32(gain_db), np.float32(FLOOR_DB))
        moved = _intensity_indices(predict_windows(classifier, shifted))
        changes[f"{gain_db:+.0f} dB"] = float(np.mean(moved != reference))
    return changes


def _identity_gain_changes(
    classifier: Classifier, windows: np.ndarray, predictions: list[Prediction], known: np.ndarray
) -> dict[str, float]:
    """Share of known-piano windows whose piano label or form changes under each gain step."""
    reference = [
        (p.piano_label, p.form_label) for p, k in zip(predictions, known, strict=True) if k
    ]
    changes = {}
    for gain_db in GAIN_STEPS_DB:
        shifted = np.maximum(windows[known] + np.float32(gain_db), np.float32(FLOOR_DB))
        moved = [(p.piano_label, p.form_label) for p in predict_windows(classifier, shifted)]
        changes[f"{gain_db:+.0f} dB"] = float(
            np.mean([a != b for a, b in zip(moved, reference, strict=True)])
        )
    return changes


def _miscalibrated(
    classifier: Classifier, windows: np.ndarray, dataset: Dataset
) -> dict[str, float]:
    """Intensity accuracy on known windows when the calibration is off by a few dB."""
    known = dataset.kind == KIND_KNOWN
    accuracy = {}
    for error_db in MISCALIBRATION_DB:
        shifted = np.maximum(windows[known] + np.float32(error_db), np.float32(FLOOR_DB))
        predicted = _intensity_indices(predict_windows(classifier, shifted))
        accuracy[f"{error_db:+.0f} dB"] = float(np.mean(predicted == dataset.intensity[known]))
    return accuracy
