"""Train the form-from-notes model: `python -m pianoscope.transcription.form_train`.

One command rebuilds `resources/note_form.npz` from scratch (about 7 minutes on two cores):
it renders `TRAINING_SPEC`'s clips (new playing of the four forms at five intensities on every
pool piano outside the left-out families, `sources.LEAVE_ONE_OUT`: so each leave-one-out row
judges a form model that never heard its piano either; in rooms with microphone tilt and noise
as the classifier's training clips), reads the notes of each clip's centred 2 s window with the
shipped note network, measures their `form.FORM_FEATURE_NAMES` and fits
`form.fit_form_model` (deterministic: the same renderings give the same model bit for bit).

It prints the five-fold out-of-fold accuracy of the notes alone, of the shipped classifier's
form head alone, and of their product at each of `CANDIDATE_HEAD_WEIGHTS`, and stores the best
weight with the model (`NoteFormModel.head_weight`, the power `note_reading` raises the head's
probabilities to): chosen here, with the classifier it will be shipped beside, never on a
left-out piano. Retrain it whenever the classifier's weights change.
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import numpy as np

from pianoscope.model.labels import FORM_LABELS
from pianoscope.model.training.augment import ROOM_AND_MICROPHONE
from pianoscope.model.training.sources import LEAVE_ONE_OUT, PIANO_FAMILIES
from pianoscope.model.training.synth import DatasetSpec, plan_clips
from pianoscope.pinned_numerics import go_on_pinned
from pianoscope.transcription.form import (
    MODEL_NAME,
    NoteFormModel,
    fit_form_model,
    form_features,
)
from pianoscope.transcription.transcriber import played_notes

log = logging.getLogger(__name__)

TRAINING_SPEC = DatasetSpec(
    "note-form",
    seed=4242,
    clips_per_class=0,
    negative_clips=0,
    noise_clips=0,
    pool_clips=2400,
    pool_families=tuple(family for family in PIANO_FAMILIES if family not in LEAVE_ONE_OUT),
    augment=ROOM_AND_MICROPHONE,
)
FOLDS = 5
CANDIDATE_HEAD_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0)


@dataclass(frozen=True)
class FormWindows:
    """The windows' form features (windows with enough notes only), forms and audio rows."""

    features: np.ndarray  # (windows, features)
    forms: np.ndarray  # indices into FORM_LABELS
    rows: np.ndarray  # each window's row in the rendered audio


def read_form_windows(audio: np.ndarray, forms: np.ndarray) -> FormWindows:
    """Transcribe each window of `audio` (windows, samples) and measure its notes (Ctrl-C
    stops it; nothing is written before the end)."""
    from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ

    features, kept = [], []
    started = time.monotonic()
    for row, window in enumerate(audio):
        notes = played_notes(window, workers=1)
        measured = form_features(notes, window.size / SAMPLE_RATE_HZ)
        if measured is not None:
            features.append(measured)
            kept.append(row)
        if (row + 1) % max(1, len(audio) // 10) == 0:
            log.info(
                "read the notes of %d of %d windows (%.0f s)",
                row + 1,
                len(audio),
                time.monotonic() - started,
            )
    rows = np.array(kept)
    return FormWindows(np.array(features), forms[rows], rows)


def out_of_fold_probabilities(windows: FormWindows, folds: int = FOLDS) -> np.ndarray:
    """Each window's form probabilities from a model fitted without its fold."""
    order = np.random.default_rng(0).permutation(len(windows.forms))
    probabilities = np.zeros((len(order), len(FORM_LABELS)))
    for fold in np.array_split(order, folds):
        rest = np.setdiff1d(order, fold)
        model = fit_form_model(windows.features[rest], windows.forms[rest])
        probabilities[fold] = model.probabilities(windows.features[fold])
    return probabilities


def head_form_probabilities(audio: np.ndarray) -> np.ndarray:
    """The shipped classifier's form probabilities for each window."""
    from pianoscope.model.inference import Classifier

    classifier = Classifier()
    return np.array([[classifier.predict(w).form.as_dict()[f] for f in FORM_LABELS] for w in audio])


def train(out: Path, spec: DatasetSpec = TRAINING_SPEC) -> NoteFormModel:
    """Render, read, fit, report and save (see the module docstring)."""
    from pianoscope.model.training.leave_one_out import centred_window_audio

    started = time.monotonic()
    forms = np.array([plan.form for plan in plan_clips(spec)])
    audio = centred_window_audio(spec)
    log.info("rendered %d windows (%.0f s)", len(audio), time.monotonic() - started)
    windows = read_form_windows(audio, forms)
    notes = out_of_fold_probabilities(windows)
    head = head_form_probabilities(audio[windows.rows])
    log.info("%d of %d windows have two notes or more", len(windows.rows), len(audio))
    accuracies = []
    for weight in CANDIDATE_HEAD_WEIGHTS:
        product = weight * np.log(np.maximum(head, 1e-6)) + np.log(np.maximum(notes, 1e-6))
        accuracies.append(float(np.mean(product.argmax(axis=1) == windows.forms)))
        log.info("out of fold, head weight %.2f: form accuracy %.3f", weight, accuracies[-1])
    log.info("the head alone: %.3f", np.mean(head.argmax(axis=1) == windows.forms))
    head_weight = CANDIDATE_HEAD_WEIGHTS[int(np.argmax(accuracies))]
    model = replace(fit_form_model(windows.features, windows.forms), head_weight=head_weight)
    model.save(out)
    log.info("head weight %.2f", head_weight)
    log.info("wrote %s (%.0f s in all)", out, time.monotonic() - started)
    return model


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=Path(str(resources.files("pianoscope.resources"))) / MODEL_NAME
    )
    arguments = parser.parse_args(argv)
    go_on_pinned("pianoscope.transcription.form_train", argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train(arguments.out)


if __name__ == "__main__":
    main()
