"""Robustness to white noise, measured on audio: the same clips classified clean and noisy.

A small set of known-piano clips (its own seed, never trained on, augmented like the held-out
set) is rendered; each clip is classified on its centred 2-second window as it is, and again
after white noise is added at `snr_db` below the clip's mean power (the whole 3-second clip,
rests included).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pianoscope.dsp.features import N_MELS, log_mel
from pianoscope.model.inference import Classifier, Prediction
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, PIANO_LABELS
from pianoscope.model.network import WINDOW_FRAMES
from pianoscope.model.training.synth import (
    DatasetSpec,
    iter_clip_audio,
    plan_clips,
)
from pianoscope.progress import CancelToken, ProgressCallback

NOISE_SPEC = DatasetSpec(
    "noise-robustness", seed=5_150, clips_per_class=3, negative_clips=0, noise_clips=0
)


@dataclass(frozen=True)
class NoiseRobustness:
    """Head accuracies on the same known-piano windows without and with added white noise."""

    snr_db: float
    windows: int
    clean: dict[str, float]
    noisy: dict[str, float]

    def drop_points(self) -> dict[str, float]:
        return {head: 100.0 * (self.clean[head] - self.noisy[head]) for head in self.clean}


def measure_noise_robustness(
    classifier: Classifier,
    snr_db: float = 20.0,
    spec: DatasetSpec = NOISE_SPEC,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> NoiseRobustness:
    """Render `spec`'s clips and compare head accuracies clean and at `snr_db` white noise."""
    plans = plan_clips(spec)
    clean_windows = np.zeros((len(plans), WINDOW_FRAMES, N_MELS), dtype=np.float32)
    noisy_windows = np.zeros_like(clean_windows)
    for index, audio in iter_clip_audio(spec, progress=progress, cancel=cancel):
        rng = np.random.default_rng([plans[index].seed, 3])
        noise_rms = np.sqrt(np.mean(audio.astype(np.float64) ** 2)) * 10.0 ** (-snr_db / 20.0)
        noisy = audio + (rng.standard_normal(audio.size) * noise_rms).astype(np.float32)
        clean_windows[index] = _centre(log_mel(audio))
        noisy_windows[index] = _centre(log_mel(noisy))
    truth = {
        "piano": np.array([p.piano for p in plans]),
        "form": np.array([p.form for p in plans]),
        "intensity": np.array([p.intensity for p in plans]),
    }
    return NoiseRobustness(
        snr_db,
        len(plans),
        _accuracy(classifier.predict_feature_batch(clean_windows), truth),
        _accuracy(classifier.predict_feature_batch(noisy_windows), truth),
    )


def _centre(features_db: np.ndarray) -> np.ndarray:
    start = (features_db.shape[0] - WINDOW_FRAMES) // 2
    return features_db[start : start + WINDOW_FRAMES]


def _accuracy(predictions: list[Prediction], truth: dict[str, np.ndarray]) -> dict[str, float]:
    """Piano counts `unknown` and silence as wrong; form and intensity are the heads' argmax."""
    piano = np.array(
        [
            PIANO_LABELS.index(p.piano_label) if p.piano_label in PIANO_LABELS else -1
            for p in predictions
        ]
    )
    form = np.array([FORM_LABELS.index(p.form.label) for p in predictions])
    intensity = np.array([INTENSITY_LABELS.index(p.intensity.label) for p in predictions])
    return {
        "piano": float(np.mean(piano == truth["piano"])),
        "form": float(np.mean(form == truth["form"])),
        "intensity": float(np.mean(intensity == truth["intensity"])),
    }
