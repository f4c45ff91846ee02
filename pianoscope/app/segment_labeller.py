"""Adapter from the teacher's classifier to the analysis pipeline's `SegmentLabeller`.

The pipeline hands over each sounding 2 s segment; the classifier's `Prediction` becomes the
three `Label`s of the JSON contract. `unknown` (not one of the known pianos) is kept as the
piano label with its out-of-set score, and form and intensity are then left null, as in the
live view. Offline analysis, review and the library all label with `user_labeller`, so they
name the same pianos as the live view (the enrolled ones, once the teacher chose them).

Each segment is classified with the take's own level as its reference
(`pianoscope.model.calibration.take_gain_db`): piano, form and silence come out the same
whatever the recording's gain; intensity keeps the input's calibration (none offline: the
training convention), because it reports how loud the playing is.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pianoscope.analysis.result import Label, SegmentLabeller, SegmentLabels
from pianoscope.app.enrolment import user_classifier
from pianoscope.app.live.classifier_worker import to_model_rate
from pianoscope.errors import ModelError, PianoscopeError
from pianoscope.model.calibration import take_gain_db

if TYPE_CHECKING:  # torch is imported only when a labeller is actually built
    from pianoscope.model.enrolled import EnrolledClassifier
    from pianoscope.model.inference import Classifier, Prediction

log = logging.getLogger(__name__)


def labels_from_prediction(prediction: Prediction) -> SegmentLabels | None:
    """The segment labels of one prediction; None for silence."""
    if prediction.is_silent:
        return None
    if prediction.is_unknown:
        return SegmentLabels(Label("unknown", prediction.unknown_score), None, None)
    return SegmentLabels(
        Label(prediction.piano.label, prediction.piano.probability),
        Label(prediction.form.label, prediction.form.probability),
        Label(prediction.intensity.label, prediction.intensity.probability),
    )


def classifier_labeller(classifier: Classifier | EnrolledClassifier) -> SegmentLabeller:
    def label(
        samples: np.ndarray, sample_rate_hz: int, reference_db: float
    ) -> SegmentLabels | None:
        prediction = classifier.predict(
            to_model_rate(samples, sample_rate_hz), take_gain_db=take_gain_db(reference_db)
        )
        return labels_from_prediction(prediction)

    return label


def load_user_labeller(enrolment_folder: Path | None = None) -> SegmentLabeller:
    """A labeller from `user_classifier` (the enrolled pianos if the teacher chose them, else
    the shipped model). Raises ModelError, with the reason for the teacher, when even the
    shipped weights do not load or torch is not installed, so a command can say why its
    segments stay unlabelled."""
    try:
        return classifier_labeller(user_classifier(enrolment_folder))
    except FileNotFoundError as error:
        raise ModelError(f"The classifier's weights are missing: {error}") from error
    except ImportError as error:
        raise ModelError(f"The classifier needs torch, which cannot be loaded: {error}") from error


def user_labeller(enrolment_folder: Path | None = None) -> SegmentLabeller | None:
    """`load_user_labeller`, or None (logged) when the classifier cannot be loaded."""
    try:
        return load_user_labeller(enrolment_folder)
    except PianoscopeError as error:
        log.warning("segments stay unlabelled: %s", error)
        return None
