"""Playing form of a stretch of playing read from its notes, for any piano.

The classifier's form head hears the four forms through its training pianos' timbre; on a piano
it never heard, or in a room (the shipped weights never heard one), it confuses them
(`bench/bench_note_form.py`: the shipped head reads 74-84 % of the windows of three pianos it
never heard right, in rooms; with the notes 84-90 %). What tells the forms apart is in the
notes themselves, whatever piano plays them (`pianoscope.model.training.midi_gen` plays them
so):

- legato: one mostly stepwise line, each note held a little past the next onset, its rhythm
  free (notes of one, two and half a beat);
- staccato: one line of short notes with silence between them;
- chords: three or more notes struck together, again and again;
- arpeggio: chord tones one after another, thirds to sixths and octaves apart, evenly spaced,
  each held on: the same few pitch classes, the same pitches struck again, notes piling up.
  The traits of this last sentence (the last nine features) took the notes' own reading of
  form from 85.7 to 87.4 % out of fold on the form model's training windows, and on the three
  left-out pianos from 82.5 / 87.5 / 82.5 % to 85.5 / 89.5 / 86.0 % of 200 windows (Steinway,
  TimGM6mb's grand, MuseScore's grand: pianos the form model never heard; the head's form
  where fewer than two notes were read).

`form_features` measures exactly those traits on the notes the note network reads in a window
(`FORM_FEATURE_NAMES`); a small neural network over them (`NoteFormModel`, trained by
`python -m pianoscope.transcription.training.form_train` on pianos of the pool outside every
left-out family, and shipped as `resources/note_form.npz`) gives each form a probability. How the
reading is combined with the head's is `pianoscope.transcription.note_reading`'s rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from threadpoolctl import threadpool_limits

from pianoscope.atomic_files import replacing
from pianoscope.dsp.notes import NoteEvent
from pianoscope.model.labels import FORM_LABELS
from pianoscope.resources_path import resource_path

MODEL_NAME = "note_form.npz"
CHORD_SPREAD_S = 0.035  # onsets this close to a group's first are one chord struck together
MIN_NOTES = 2  # fewer notes than this say nothing about form
POLYPHONY_POINTS = 50  # instants the sounding notes are counted at, over the notes' span
FORM_FEATURE_NAMES = (
    "log note count",
    "onset groups per second",
    "share of groups of 3 notes or more",
    "mean notes per group",
    "log median held / inter-onset time",
    "log lower-quartile held / inter-onset time",
    "log upper-quartile held / inter-onset time",
    "median overlap into the next group (s)",
    "log median inter-onset time (s)",
    "share of steps of 1-2 semitones",
    "share of steps of 3-5 semitones",
    "log(1 + median step in semitones)",
    "share of intervals of 3 semitones or more, note to note",
    "mean notes sounding",
    "log median note duration (s)",
    "pitch range (semitones)",
    "share of steps in the direction of the one before",
    "share of the span with no note sounding",
    "pitch classes",
    "pitch classes per note",
    "share of notes on the three commonest pitch classes",
    "share of notes re-striking a pitch struck before",
    "share of intervals of 3-4 semitones, note to note",
    "share of intervals of 5 or 7-9 semitones, note to note",
    "share of octaves, note to note",
    "share of repeated pitches, note to note",
    "onset group spacing: standard deviation / mean",
    "most notes sounding",
    "90th percentile of notes sounding",
)


def form_features(notes: Sequence[NoteEvent], window_s: float) -> np.ndarray | None:
    """The `FORM_FEATURE_NAMES` of the notes struck in a window `window_s` long; None for
    fewer than `MIN_NOTES` notes. Steps are between the highest notes of successive onset
    groups (the melody a chord or a line carries)."""
    if len(notes) < MIN_NOTES:
        return None
    ordered = sorted(notes, key=lambda n: (n.onset_s, n.midi))
    onset = np.array([n.onset_s for n in ordered])
    offset = np.array([n.offset_s for n in ordered])
    pitch = np.array([n.midi for n in ordered], dtype=float)
    duration = np.maximum(offset - onset, 0.01)
    groups = _onset_groups(onset)
    sizes = np.array([len(g) for g in groups])
    group_onsets = np.array([onset[g[0]] for g in groups])
    gaps = np.diff(group_onsets) if len(groups) > 1 else np.array([window_s])
    held = np.array([duration[g].max() for g in groups[:-1]]) if len(groups) > 1 else gaps
    held_over_gap = held / np.maximum(gaps, 0.01)
    tops = np.array([pitch[g].max() for g in groups])
    moves = np.diff(tops) if len(tops) > 1 else np.zeros(1)
    steps = np.abs(moves)
    turns = np.sign(moves)
    pitch_class_counts = np.bincount((pitch % 12).astype(int), minlength=12)
    pitch_classes = int(np.count_nonzero(pitch_class_counts))
    intervals = np.abs(np.diff(pitch))
    span_end_s = min(offset.max(), onset.min() + window_s)
    sounding = _sounding(onset, offset, onset.min(), span_end_s).sum(axis=1)
    return np.array(
        [
            np.log(len(ordered)),
            len(groups) / window_s,
            float(np.mean(sizes >= 3)),
            float(sizes.mean()),
            np.log(np.median(held_over_gap)),
            np.log(np.percentile(held_over_gap, 25)),
            np.log(np.percentile(held_over_gap, 75)),
            float(np.median(held - gaps)),
            np.log(max(float(np.median(gaps)), 0.01)),
            float(np.mean(steps <= 2)),
            float(np.mean((steps >= 3) & (steps <= 5))),
            np.log1p(np.median(steps)),
            float(np.mean(intervals >= 3)),
            float(sounding.mean()),
            np.log(np.median(duration)),
            float(np.ptp(pitch)),
            float(np.mean(turns[1:] == turns[:-1])) if len(turns) > 1 else 0.0,
            1.0 - float(_sounding(onset, offset, onset.min(), onset.max()).any(axis=1).mean()),
            float(pitch_classes),
            pitch_classes / len(ordered),
            np.sort(pitch_class_counts)[-3:].sum() / len(ordered),
            float(np.mean([p in pitch[:i] for i, p in enumerate(pitch)])),
            float(np.mean((intervals >= 3) & (intervals <= 4))),
            float(np.mean((intervals == 5) | ((intervals >= 7) & (intervals <= 9)))),
            float(np.mean(intervals == 12)),
            float(np.mean(intervals == 0)),
            float(np.std(gaps) / max(float(np.mean(gaps)), 0.01)) if len(groups) > 2 else 0.0,
            float(sounding.max()),
            float(np.percentile(sounding, 90)),
        ]
    )


@dataclass(frozen=True)
class NoteFormModel:
    """A small neural network from standardised `FORM_FEATURE_NAMES` to `FORM_LABELS` (one
    hidden layer of `HIDDEN_UNITS` ReLU units, softmax out), and the power the classifier's
    form head is raised to when the two are multiplied (`head_weight`: chosen by the training
    command with the classifier shipped beside it, as a weak head should count less than a
    strong one; see `note_reading`).

    One hidden layer, not the logistic regression shipped until stop 53: what a trait says
    depends on the others, which a sum of per-trait votes cannot weigh; out of fold on the
    training windows the notes alone read 89.1 % right against the regression's 85.9 %
    (`form_train`'s own figures; docs/classifier.md has the comparison)."""

    mean: np.ndarray  # (features,)
    scale: np.ndarray  # (features,)
    hidden_weights: np.ndarray  # (features, HIDDEN_UNITS)
    hidden_bias: np.ndarray  # (HIDDEN_UNITS,)
    output_weights: np.ndarray  # (HIDDEN_UNITS, forms)
    output_bias: np.ndarray  # (forms,)
    head_weight: float = 1.0

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """(..., forms) probabilities of (..., features) feature rows."""
        standard = (features - self.mean) / self.scale
        return _softmax(_forward(standard, self._parameters())[1])

    def save(self, path: Path) -> None:
        """Write the model to `path` whole or not at all (arrays only)."""
        with replacing(path) as handle:
            np.savez(
                handle,
                feature_names=np.array(FORM_FEATURE_NAMES),
                form_labels=np.array(FORM_LABELS),
                mean=self.mean,
                scale=self.scale,
                **dict(zip(_PARAMETER_NAMES, self._parameters(), strict=True)),
                head_weight=np.float64(self.head_weight),
            )

    @classmethod
    def load(cls, path: Path) -> NoteFormModel:
        """The model in `path` (arrays only, no pickle); ValueError when it was made for other
        features or forms than this code's, or is the logistic regression shipped before."""
        with np.load(path, allow_pickle=False) as archive:
            if tuple(archive["feature_names"]) != FORM_FEATURE_NAMES or tuple(
                archive["form_labels"]
            ) != tuple(FORM_LABELS):
                raise ValueError(f"{path.name} was made for other form features or labels")
            if not set(_PARAMETER_NAMES) <= set(archive.files):
                raise ValueError(
                    f"{path.name} is an older form model; rebuild it with "
                    "`python -m pianoscope.transcription.training.form_train`"
                )
            return cls(
                archive["mean"],
                archive["scale"],
                *(archive[name] for name in _PARAMETER_NAMES),
                head_weight=float(archive["head_weight"]),
            )

    def _parameters(self) -> tuple[np.ndarray, ...]:
        return (self.hidden_weights, self.hidden_bias, self.output_weights, self.output_bias)


HIDDEN_UNITS = 32
# Weight decay on the mean cross-entropy: chosen out of fold on the training windows (2e-3 and
# 4e-3 read the same, 8e-3 a point lower); the fit runs to convergence, so the decay alone
# keeps the network from learning the training windows by heart.
WEIGHT_DECAY = 4e-3
_PARAMETER_NAMES = ("hidden_weights", "hidden_bias", "output_weights", "output_bias")


def fit_form_model(
    features: np.ndarray, forms: np.ndarray, *, weight_decay: float = WEIGHT_DECAY, seed: int = 0
) -> NoteFormModel:
    """Fit by L-BFGS to convergence from seeded initial weights (deterministic: the same data
    give the same model bit for bit); `forms` are indices into FORM_LABELS."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0) + 1e-9
    standard = (features - mean) / scale
    targets = np.eye(len(FORM_LABELS))[forms]
    rng = np.random.default_rng(seed)
    shapes = [
        (features.shape[1], HIDDEN_UNITS),
        (HIDDEN_UNITS,),
        (HIDDEN_UNITS, len(FORM_LABELS)),
        (len(FORM_LABELS),),
    ]
    first = []
    for fan_in, fan_out in (shapes[0], shapes[2]):
        bound = np.sqrt(6.0 / (fan_in + fan_out))  # Glorot's uniform initialisation
        first += [
            rng.uniform(-bound, bound, (fan_in, fan_out)),
            rng.uniform(-bound, bound, fan_out),
        ]

    def unflatten(flat: np.ndarray) -> list[np.ndarray]:
        pieces = np.split(flat, np.cumsum([int(np.prod(shape)) for shape in shapes])[:-1])
        return [piece.reshape(shape) for piece, shape in zip(pieces, shapes, strict=True)]

    def loss_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
        parameters = unflatten(flat)
        hidden_weights, output_weights = parameters[0], parameters[2]
        hidden, logits = _forward(standard, parameters)
        error = (_softmax(logits) - targets) / len(standard)
        log_probabilities = logits - logits.max(axis=1, keepdims=True)
        log_probabilities -= np.log(np.exp(log_probabilities).sum(axis=1, keepdims=True))
        loss = -np.sum(targets * log_probabilities) / len(standard) + 0.5 * weight_decay * (
            np.sum(hidden_weights**2) + np.sum(output_weights**2)
        )
        back = (error @ output_weights.T) * (hidden > 0)
        gradients = (
            standard.T @ back + weight_decay * hidden_weights,
            back.sum(axis=0),
            hidden.T @ error + weight_decay * output_weights,
            error.sum(axis=0),
        )
        return float(loss), np.concatenate([gradient.ravel() for gradient in gradients])

    # thousands of products of a few thousand rows by 32 columns: a second BLAS thread only
    # spins, and beside other work slows the fit many times over (numeric_threads)
    with threadpool_limits(limits=1, user_api="blas"):
        fitted = minimize(
            loss_and_gradient,
            np.concatenate([piece.ravel() for piece in first]),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": 5000, "maxfun": 15000, "gtol": 1e-6},
        )
    return NoteFormModel(mean, scale, *unflatten(fitted.x))


def _forward(
    standard: np.ndarray, parameters: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The hidden layer's activations and the output logits of standardised feature rows."""
    hidden_weights, hidden_bias, output_weights, output_bias = parameters
    hidden = np.maximum(standard @ hidden_weights + hidden_bias, 0.0)
    return hidden, hidden @ output_weights + output_bias


def _softmax(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


@cache
def shipped_form_model() -> NoteFormModel:
    return NoteFormModel.load(resource_path(MODEL_NAME))


def note_form(
    notes: Sequence[NoteEvent], window_s: float, model: NoteFormModel | None = None
) -> np.ndarray | None:
    """Probabilities of FORM_LABELS read from the notes of a window `window_s` long by
    `model` (the shipped one by default); None when too few notes are struck in it."""
    features = form_features(notes, window_s)
    if features is None:
        return None
    return (model or shipped_form_model()).probabilities(features)


def _onset_groups(onset: np.ndarray) -> list[list[int]]:
    """Indices of the notes (in onset order) struck together, group by group."""
    groups: list[list[int]] = []
    for index, time_s in enumerate(onset):
        if groups and time_s - onset[groups[-1][0]] <= CHORD_SPREAD_S:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _sounding(onset: np.ndarray, offset: np.ndarray, start_s: float, end_s: float) -> np.ndarray:
    """(instants, notes): which notes sound at each of POLYPHONY_POINTS instants from `start_s`
    to `end_s`."""
    instants = np.linspace(start_s, end_s, POLYPHONY_POINTS)
    return (onset[None, :] <= instants[:, None]) & (offset[None, :] > instants[:, None])
