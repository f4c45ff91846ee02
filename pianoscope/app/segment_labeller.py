"""Adapter from the teacher's classifier to the analysis pipeline's `SegmentLabeller`.

The pipeline hands over each sounding 2 s segment; the classifier's `Prediction` becomes the
`Label`s of the JSON contract, its form and intensity read as the live view reads them
(`pianoscope.transcription.note_reading.with_note_reading`: intensity from the notes for a
piano the intensity head never heard, and with the three-passage calibration; form from the
head and the notes together). `instrument` says whether a piano plays (`piano`), something
else does (`other`: another instrument, speech, noise) or nothing (`silence`). Whenever a
piano plays, known or not, piano, form and intensity are given; `unknown` (another piano) is
kept as the piano label with its out-of-set score. For anything else they are null. Offline
analysis, review and the library all label with `user_labeller`, so they name the same pianos
as the live view (the enrolled ones, once the teacher chose them), and each take with its own
calibration (`take_labeller` with `pianoscope.app.take_calibration.take_calibration`), so they
read its intensities as the live view did.

Each segment is classified with the take's own level as its reference
(`pianoscope.model.calibration.take_gain_db`): whether a piano plays, piano, form and silence
come out the same whatever the recording's gain; intensity keeps the input's calibration (none
offline: the training convention), because it reports how loud the playing is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pianoscope.analysis.result import Label, SegmentLabeller, SegmentLabels
from pianoscope.app.enrolment import user_classifier
from pianoscope.app.live.classifier_worker import to_model_rate
from pianoscope.errors import ModelError, PianoscopeError
from pianoscope.model.calibration import take_gain_db
from pianoscope.transcription.note_reading import with_note_reading

if TYPE_CHECKING:  # torch is imported only when a labeller is actually built
    from pianoscope.model.calibration import Calibration
    from pianoscope.model.enrolled import EnrolledClassifier
    from pianoscope.model.inference import Classifier, Prediction

log = logging.getLogger(__name__)


def labels_from_prediction(prediction: Prediction) -> SegmentLabels:
    """The segment labels of one prediction (see the module docstring)."""
    instrument = Label(prediction.instrument_label, prediction.instrument_probability)
    if not prediction.plays_piano:
        return SegmentLabels(None, None, None, instrument)
    return SegmentLabels(
        Label(prediction.piano_label, prediction.piano_probability),
        Label(prediction.form.label, prediction.form.probability),
        Label(prediction.intensity.label, prediction.intensity.probability),
        instrument,
    )


@dataclass(frozen=True)
class ClassifierLabeller:
    """A `SegmentLabeller` that reads intensity through `calibration` (None: uncalibrated).

    `with_calibration` gives the same classifier with a take's own calibration; the classifier
    is loaded once and shared, the calibration is passed with every call (thread-safe)."""

    classifier: Classifier | EnrolledClassifier
    calibration: Calibration | None = None

    def __call__(
        self, samples: np.ndarray, sample_rate_hz: int, reference_db: float
    ) -> SegmentLabels | None:
        audio = to_model_rate(samples, sample_rate_hz)
        prediction = self.classifier.predict(
            audio, take_gain_db=take_gain_db(reference_db), calibration=self.calibration
        )
        return labels_from_prediction(
            with_note_reading(prediction, audio, self.calibration_in_force())
        )

    def calibration_in_force(self) -> Calibration:
        """The calibration intensity is read through: the take's, else the classifier's."""
        return self.calibration or self.classifier.calibration

    def with_calibration(self, calibration: Calibration | None) -> ClassifierLabeller:
        """This classifier reading through `calibration` (None: the classifier's own)."""
        return ClassifierLabeller(self.classifier, calibration)


def take_labeller(
    labeller: SegmentLabeller | None, calibration: Calibration | None
) -> SegmentLabeller | None:
    """`labeller` reading a take through its calibration (`take_calibration.take_calibration`:
    resolved once per analysis and handed to `analyse_file` too); other labellers (tests'
    stand-ins) and None are returned as they are."""
    if isinstance(labeller, ClassifierLabeller):
        return labeller.with_calibration(calibration)
    return labeller


def classifier_labeller(
    classifier: Classifier | EnrolledClassifier, calibration: Calibration | None = None
) -> ClassifierLabeller:
    return ClassifierLabeller(classifier, calibration)


def load_user_labeller(enrolment_folder: Path | None = None) -> ClassifierLabeller:
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


def user_labeller(enrolment_folder: Path | None = None) -> ClassifierLabeller | None:
    """`load_user_labeller`, or None (logged) when the classifier cannot be loaded."""
    try:
        return load_user_labeller(enrolment_folder)
    except PianoscopeError as error:
        log.warning("segments stay unlabelled: %s", error)
        return None
