"""The classifier's answer for a 2 s window, completed by what the notes struck in it say.

The live view and every analysis give a window's prediction to `with_note_reading`
(`pianoscope.app.segment_labeller`, `pianoscope.app.live.classifier_worker`, and the
leave-one-out judge): whenever a piano plays, the note network reads the window's notes once,
and

- form: the head's probabilities and the notes' (`pianoscope.transcription.form`) are
  multiplied, the head's raised to the form model's `head_weight`, and renormalised, for every
  piano, known or not: the head hears the forms through its training pianos' sound and rooms,
  the notes tell them apart the same way on every piano. A window with fewer than two notes
  keeps the head's form.
- intensity: read from the notes' velocities (`pianoscope.transcription.intensity`) when the
  piano is none of the known ones or the three-passage calibration recorded the notes'
  velocities; when it is taken for a known piano, the head's probabilities times the notes',
  renormalised; without notes the head's stays. The product, not the head alone (as until
  stop 34), because a piano never heard is often taken for a known one (by the leave-one-out
  models in 29-70 % of its windows), where the head ranks its dynamics poorly; on the
  shipped pianos the two are about as often right (the product more often on two, less on
  MuseScore's grand, whose velocity layers the head reads best, and FluidR3's honky-tonk:
  figures in README, "Intensity of a piano the classifier never heard"). The product is not
  weighted: nothing was tuned.

The head's weight is chosen by `python -m pianoscope.transcription.training.form_train` with the
classifier shipped beside the form model, on windows of pianos outside every left-out family
(the form model's own training pianos, with its out-of-fold readings), never on a left-out
piano, and stored with the form model: it belongs to that head (0.25 for the four-piano
weights shipped until stop 34, whose form head read 73 % of those windows right; 1 for the
piano pool's weights shipped since, whose head reads 92 % of them right).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from pianoscope.model.calibration import Calibration
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS, PIANO_LABELS
from pianoscope.transcription.form import NoteFormModel, note_form, shipped_form_model
from pianoscope.transcription.intensity import (
    NoteWeights,
    intensity_from_velocities,
    passage_velocities,
)
from pianoscope.transcription.transcriber import played_notes

if TYPE_CHECKING:  # torch is imported only where a classifier is
    from pianoscope.model.inference import Prediction


def with_note_reading(
    prediction: Prediction,
    audio: np.ndarray,
    calibration: Calibration | None,
    *,
    note_weights: NoteWeights | None = None,
    form_model: NoteFormModel | None = None,
) -> Prediction:
    """`prediction` of the newest 2 s of `audio` (float32 mono, 44.1 kHz, as the classifier
    was given it) with its form and intensity completed from the notes struck there by the
    rule of the module docstring. `note_weights`, `form_model`: another note network or form
    model than the shipped ones (the leave-one-out judge's, which never heard the left-out
    piano)."""
    from pianoscope.model.inference import WINDOW_SAMPLES, HeadProbabilities
    from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ

    if not prediction.plays_piano:
        return prediction
    window = np.asarray(audio, dtype=np.float32)[-WINDOW_SAMPLES:]
    # one thread: live this runs beside the audio, the analysis and the GUI
    notes = played_notes(window, note_weights, calibration=calibration, workers=1)
    read = prediction
    model = form_model or shipped_form_model()
    from_notes = note_form(notes, window.size / SAMPLE_RATE_HZ, model)
    if from_notes is not None:
        read = replace(
            read,
            form=HeadProbabilities(FORM_LABELS, combined_form(read, from_notes, model.head_weight)),
        )
    passages = passage_velocities(calibration)
    intensity = intensity_from_velocities([n.velocity for n in notes], passages)
    if intensity is not None:
        probabilities = intensity.probabilities
        if prediction.piano_label in PIANO_LABELS and passages is None:
            head = np.array(read.intensity.probabilities)
            probabilities = _product(head, np.array(probabilities), 1.0)
        read = replace(read, intensity=HeadProbabilities(INTENSITY_LABELS, probabilities))
    return read


def combined_form(
    prediction: Prediction, from_notes: np.ndarray, head_weight: float
) -> tuple[float, ...]:
    """The head's form probabilities to the power `head_weight` times the notes', renormalised
    (a product of experts; each floored at 1e-6 so no single expert vetoes)."""
    return _product(np.array(prediction.form.probabilities), from_notes, head_weight)


def _product(head: np.ndarray, from_notes: np.ndarray, head_weight: float) -> tuple[float, ...]:
    product = np.maximum(head, 1e-6) ** head_weight * np.maximum(from_notes, 1e-6)
    return tuple(float(p) for p in product / product.sum())
