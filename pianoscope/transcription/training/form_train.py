"""Train the form-from-notes model: `python -m pianoscope.transcription.training.form_train`.

One command rebuilds `resources/note_form.npz` from scratch (about 6 minutes on two cores):
it renders `TRAINING_SPEC`'s clips (new playing of the four forms at five intensities on every
pool piano outside the left-out families, `sources.LEAVE_ONE_OUT`: so each leave-one-out row
judges a form model that never heard its piano either; in rooms with microphone tilt and noise
as the classifier's training clips), reads the notes of three 2 s windows of each clip with the
shipped note network, measures their `form.FORM_FEATURE_NAMES` and fits
`form.fit_form_model` (deterministic: the same renderings give the same model bit for bit).

It prints the five-fold out-of-fold accuracy (on the clips' centred windows, each read by a
model fitted on the other folds' clips) of the notes alone, of the shipped classifier's form
head alone, and of their product at each of `CANDIDATE_HEAD_WEIGHTS`, and stores the best
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
    """The form features of windows with enough notes, their forms, the clip each was read
    from and whether it is that clip's centred window; and the classifier's form
    probabilities of every clip's centred window."""

    features: np.ndarray  # (windows, features)
    forms: np.ndarray  # indices into FORM_LABELS
    clips: np.ndarray  # the clip (index into plan_clips) each window was read from
    centred: np.ndarray  # bool: the clip's centred window
    head: np.ndarray  # (clips, forms): the classifier's form head on each centred window


def read_form_windows(spec: DatasetSpec) -> FormWindows:
    """Render `spec`'s clips and read the notes of three 2 s windows of each: its first, its
    centred (the one the classifier's datasets and the leave-one-out judge hold) and its last
    2 s. A teacher's windows fall anywhere in the playing, and three windows of a clip show the
    model more of the ways notes fall in a window for one rendering: out of fold on the
    centred windows (stop 53, one set of folds) the notes alone read 88.2 % right trained on
    the centred windows, 89.3 % on all three (the product with the head 95.1 / 95.8 %; a
    logistic regression 86.2 / 86.7 %, the product 94.8 / 94.7 %). Ctrl-C stops it; nothing is
    written before the end."""
    from pianoscope.model.inference import WINDOW_SAMPLES, Classifier
    from pianoscope.model.training.leave_one_out import centred_window_start
    from pianoscope.model.training.synth import iter_clip_audio
    from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ

    plans = plan_clips(spec)
    classifier = Classifier()
    centre = centred_window_start(spec)
    features, forms, clips, centred = [], [], [], []
    head = np.zeros((len(plans), len(FORM_LABELS)))
    started = time.monotonic()
    for done, (index, clip) in enumerate(iter_clip_audio(spec), start=1):
        for start in (0, centre, clip.size - WINDOW_SAMPLES):
            window = clip[start : start + WINDOW_SAMPLES]
            notes = played_notes(window, workers=1)
            measured = form_features(notes, window.size / SAMPLE_RATE_HZ)
            if start == centre:
                form = classifier.predict(window).form.as_dict()
                head[index] = [form[label] for label in FORM_LABELS]
            if measured is not None:
                features.append(measured)
                forms.append(plans[index].form)
                clips.append(index)
                centred.append(start == centre)
        if done % max(1, len(plans) // 10) == 0:
            log.info(
                "read the notes of %d of %d clips (%.0f s)",
                done,
                len(plans),
                time.monotonic() - started,
            )
    return FormWindows(
        np.array(features), np.array(forms), np.array(clips), np.array(centred), head
    )


def out_of_fold_probabilities(windows: FormWindows, folds: int = FOLDS) -> np.ndarray:
    """The form probabilities of each centred window from a model fitted on every window of
    the other folds' clips (a clip's three windows overlap, so they share a fold)."""
    clips = np.unique(windows.clips)
    order = np.random.default_rng(0).permutation(len(clips))
    centred = np.flatnonzero(windows.centred)
    probabilities = np.zeros((len(centred), len(FORM_LABELS)))
    for fold in np.array_split(clips[order], folds):
        held = np.isin(windows.clips, fold)
        model = fit_form_model(windows.features[~held], windows.forms[~held])
        rows = held[centred]
        probabilities[rows] = model.probabilities(windows.features[centred[rows]])
    return probabilities


def train(out: Path, spec: DatasetSpec = TRAINING_SPEC) -> NoteFormModel:
    """Render, read, fit, report and save (see the module docstring)."""
    started = time.monotonic()
    windows = read_form_windows(spec)
    log.info(
        "%d of %d windows have two notes or more (%.0f s)",
        len(windows.forms),
        3 * len(windows.head),
        time.monotonic() - started,
    )
    centred = windows.centred
    truth = windows.forms[centred]
    notes = out_of_fold_probabilities(windows)
    head = windows.head[windows.clips[centred]]
    accuracies = []
    for weight in CANDIDATE_HEAD_WEIGHTS:
        product = weight * np.log(np.maximum(head, 1e-6)) + np.log(np.maximum(notes, 1e-6))
        accuracies.append(float(np.mean(product.argmax(axis=1) == truth)))
        log.info("out of fold, head weight %.2f: form accuracy %.3f", weight, accuracies[-1])
    log.info("the head alone: %.3f", np.mean(head.argmax(axis=1) == truth))
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
    go_on_pinned("pianoscope.transcription.training.form_train", argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    train(arguments.out)


if __name__ == "__main__":
    main()
