"""Leave one piano out: how form and intensity do on a piano the model never heard.

A model trained without one pool family (`pianoscope train --leave-out FAMILY`: its clips are
dropped from the training and validation sets, a known piano among them too) is judged on new
playing of that family in rooms (`recipe.left_out_spec`), and on the held-out set's other
instruments, speech and noise, which must get no form or intensity. Intensity is judged four
ways: with the three-passage calibration played where the take is, as a teacher calibrates
(each clip's piano plays its soft, medium and loud passages in the clip's own room, through its
microphone, with its noise and gain, `synth.in_clip_acoustics`, and the clip's window is read
through that calibration), with the passages played dry (each piano calibrated once, outside
any room: how much it matters where one calibrates), at the level convention (every piano's
mf calibration phrase at the reference level: what the mf calibration gives) and
uncalibrated (each window at a random input gain of up to ±12 dB).
Given the windows' audio and the product's rule (`read_notes`: the app layer passes
`pianoscope.transcription.note_reading.with_note_reading`, which reads the notes), form and
intensity are judged as the product gives them, on every piano window: those its gate does not
give are read as they would be given (the rule skips the notes of a window heard as no piano,
and the heads alone are not what a teacher is ever shown); how many it gives is judged apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import spearmanr

from pianoscope.dsp.features import DEFAULT_CONFIG, FLOOR_DB, SAMPLE_RATE_HZ, frame_count
from pianoscope.model.calibration import Calibration, calibrate_passages
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier, Prediction
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS
from pianoscope.model.network import WINDOW_FRAMES
from pianoscope.model.training.augment import AugmentConfig
from pianoscope.model.training.evaluate import NoteReader, centred_windows, predict_windows
from pianoscope.model.training.passage_reference import passage_phrases
from pianoscope.model.training.render import Instrument
from pianoscope.model.training.sources import PIANO_FAMILIES, SampledPiano, instrument_name
from pianoscope.model.training.synth import (
    KIND_NEGATIVE,
    KIND_NOISE,
    KIND_SPEECH,
    ClipPlan,
    Dataset,
    DatasetSpec,
    calibration_phrase,
    in_clip_acoustics,
    iter_clip_audio,
    plan_clips,
    render_at_convention,
)
from pianoscope.progress import CancelToken, ProgressCallback

UNCALIBRATED_GAIN_DB = 12.0
OTHER_KINDS = {"other instruments": KIND_NEGATIVE, "speech": KIND_SPEECH, "noise": KIND_NOISE}


@dataclass(frozen=True)
class IntensityFigures:
    exact: float
    within_one: float
    spearman: float | None  # None: a constant prediction


@dataclass(frozen=True)
class LeftOutReport:
    """One left-out family: form and intensity on its piano windows, and how often form and
    intensity are given at all (piano windows) or wrongly (other sounds)."""

    family: str
    windows: int
    form_accuracy: float
    calibrated: IntensityFigures  # at the level convention (the mf calibration)
    uncalibrated: IntensityFigures
    passages: IntensityFigures | None  # with the three-passage calibration; None: not judged
    piano_windows_given: float
    others_given: dict[str, float]
    room_passages: IntensityFigures | None = None  # the passages played in each clip's room
    room_passages_refused: int = 0  # clips whose passages in their room the calibration refused


def family_sources(family: str) -> list[str]:
    """The source names (as in `Dataset.source`) of a pool family."""
    return [instrument_name(source) for source in PIANO_FAMILIES[family]]


def without_family(dataset: Dataset, family: str) -> Dataset:
    """`dataset` without any clip of `family` (known, pool or re-voiced)."""
    return dataset.subset(~np.isin(dataset.source, family_sources(family)))


PassageCalibrator = Callable[[np.ndarray, np.ndarray, np.ndarray], Calibration]


def passage_calibrations(
    family: str, calibrate: PassageCalibrator = calibrate_passages
) -> dict[str, Calibration]:
    """Each piano of `family` calibrated as a teacher calibrates theirs: its soft, medium and
    loud passages (`passage_reference.passage_phrases`) played dry at the level convention and
    given to `calibrate` (the product's also reads their notes), keyed by source name."""
    calibrations = {}
    for source in PIANO_FAMILIES[family]:
        if not isinstance(source, Instrument | SampledPiano):
            raise ValueError(f"{family}: every clip draws a piano of its own, none to calibrate")
        soft, medium, loud = render_at_convention(source, passage_phrases())
        calibrations[instrument_name(source)] = calibrate(soft, medium, loud)
    return calibrations


def room_passage_calibrations(
    spec: DatasetSpec,
    calibrate: PassageCalibrator = calibrate_passages,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> list[Calibration | None]:
    """For every clip of `spec` (pianos of a family), the three-passage calibration of its
    piano played in the clip's own room, through its microphone, with its noise and gain (the
    draws its own audio had), as a teacher calibrates where they record; None where
    `calibrate` refused those passages (ValueError: a teacher would be told to play them again
    or to calibrate otherwise)."""
    dry: dict[str, tuple[np.ndarray, list[np.ndarray]]] = {}
    calibrations: list[Calibration | None] = []
    plans = plan_clips(spec)
    for index, plan in enumerate(plans):
        if cancel is not None:
            cancel.check("The leave-one-out judge")
        source = plan.instrument
        if not isinstance(source, Instrument | SampledPiano):
            raise ValueError(f"{spec.split}: a clip draws a piano of its own, none to calibrate")
        name = instrument_name(source)
        if name not in dry:
            reference, *passages = render_at_convention(
                source, [calibration_phrase(), *passage_phrases()]
            )
            dry[name] = (reference, passages)
        reference, passages = dry[name]
        calibrations.append(
            calibrated_in_clip_room(plan, spec.clip_s, spec.augment, passages, reference, calibrate)
        )
        if progress is not None:
            progress((index + 1) / len(plans))
    return calibrations


def calibrated_in_clip_room(
    plan: ClipPlan,
    clip_s: float,
    augment_config: AugmentConfig | None,
    passages: Sequence[np.ndarray],
    reference: np.ndarray,
    calibrate: PassageCalibrator,
) -> Calibration | None:
    """`calibrate` given the clip's piano's soft, medium and loud `passages` (dry, at the level
    convention; `reference`, its mf calibration phrase likewise) heard in the clip's own room,
    microphone, noise and gain (`synth.in_clip_acoustics`); None where it refused them
    (ValueError)."""
    in_room = [
        in_clip_acoustics(plan, clip_s, augment_config, passage, reference) for passage in passages
    ]
    try:
        return calibrate(*in_room)
    except ValueError:
        return None


def centred_window_start(spec: DatasetSpec) -> int:
    """The first sample of a clip's centred window (`centred_windows`' frames)."""
    first_frame = (frame_count(round(spec.clip_s * SAMPLE_RATE_HZ)) - WINDOW_FRAMES) // 2
    return first_frame * DEFAULT_CONFIG.hop_length


def centred_window_audio(
    spec: DatasetSpec,
    *,
    rows: np.ndarray | None = None,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> np.ndarray:
    """(clips, samples): the audio of the centred window of every clip of `spec` (or of the
    clips at `rows` of its plan, in that order), the very samples `centred_windows` of its
    dataset has the features of. Every clip is rendered either way: FluidSynth plays a batch's
    phrases end to end, so a clip rendered in another batch would not be the same samples."""
    plans = plan_clips(spec)
    start = centred_window_start(spec)
    wanted = np.arange(len(plans)) if rows is None else np.asarray(rows)
    position = {int(row): index for index, row in enumerate(wanted)}
    audio = np.zeros((len(wanted), WINDOW_SAMPLES), dtype=np.float32)
    for index, clip in iter_clip_audio(spec, progress=progress, cancel=cancel):
        if index in position:
            audio[position[index]] = clip[start : start + WINDOW_SAMPLES]
    return audio


def judge_left_out(
    classifier: Classifier,
    family: str,
    left_out: Dataset,
    others: Dataset,
    seed: int = 0,
    passages: Mapping[str, Calibration] | None = None,
    window_audio: np.ndarray | None = None,
    read_notes: NoteReader | None = None,
    room_passages: Sequence[Calibration | None] | None = None,
) -> LeftOutReport:
    """Judge a model trained without `family` on `left_out` (its pianos) and on the other
    sounds of `others` (the held-out set); `passages`: the three-passage calibration of each
    of the family's sources played dry (`passage_calibrations`); `room_passages`: each clip's
    own, played in its room (`room_passage_calibrations`; a refused one reads the clip at the
    level convention, as the mf calibration a teacher is then sent to); `window_audio`
    (clips, samples), the audio of each left-out clip's centred window, and `read_notes`, the
    product's rule, judge form and intensity as the product reads them (without them: the
    heads')."""
    windows = centred_windows(left_out)
    rng = np.random.default_rng(seed)
    gains = rng.uniform(-UNCALIBRATED_GAIN_DB, UNCALIBRATED_GAIN_DB, size=len(windows))
    shifted = np.maximum(windows + gains[:, None, None].astype(np.float32), np.float32(FLOOR_DB))
    gained_audio = None
    if window_audio is not None:
        gained_audio = window_audio * (10.0 ** (gains[:, None] / 20.0)).astype(np.float32)

    def with_notes(
        predictions: list[Prediction], audio: np.ndarray | None, calibration: Calibration | None
    ) -> list[Prediction]:
        if audio is None or read_notes is None:
            return predictions
        return [
            read_notes(replace(p, is_other=False), window, calibration or classifier.calibration)
            for p, window in zip(predictions, audio, strict=True)
        ]

    def read(
        features: np.ndarray, audio: np.ndarray | None, calibration: Calibration | None
    ) -> list[Prediction]:
        return with_notes(predict_windows(classifier, features, calibration), audio, calibration)

    heard = predict_windows(classifier, windows)
    given = np.array([p.plays_piano for p in heard])
    predictions = with_notes(heard, window_audio, None)
    form = np.array([FORM_LABELS.index(p.form.label) for p in predictions])
    other_windows = centred_windows(others)
    other_given = np.array([p.plays_piano for p in predict_windows(classifier, other_windows)])
    per_source = None
    if passages is not None:
        per_source = [None] * len(windows)
        for name in np.unique(left_out.source):
            rows = np.flatnonzero(left_out.source == name)
            audio = None if window_audio is None else window_audio[rows]
            for row, prediction in zip(
                rows, read(windows[rows], audio, passages[str(name)]), strict=True
            ):
                per_source[row] = prediction
    in_rooms = None
    if room_passages is not None:
        in_rooms = [
            read(
                windows[row : row + 1],
                None if window_audio is None else window_audio[row : row + 1],
                calibration,
            )[0]
            for row, calibration in enumerate(room_passages)
        ]
    return LeftOutReport(
        family=family,
        windows=len(windows),
        form_accuracy=float(np.mean(form == left_out.form)),
        calibrated=_intensity(predictions, left_out.intensity),
        uncalibrated=_intensity(read(shifted, gained_audio, None), left_out.intensity),
        passages=None if per_source is None else _intensity(per_source, left_out.intensity),
        room_passages=None if in_rooms is None else _intensity(in_rooms, left_out.intensity),
        room_passages_refused=0 if room_passages is None else room_passages.count(None),
        piano_windows_given=float(np.mean(given)),
        others_given={
            name: float(np.mean(other_given[others.kind == kind]))
            for name, kind in OTHER_KINDS.items()
            if np.any(others.kind == kind)
        },
    )


def _intensity(predictions: list[Prediction], truth: np.ndarray) -> IntensityFigures:
    predicted = np.array([INTENSITY_LABELS.index(p.intensity.label) for p in predictions])
    spearman = None
    if np.ptp(predicted) > 0 and np.ptp(truth) > 0:
        spearman = float(spearmanr(truth, predicted)[0])
    return IntensityFigures(
        exact=float(np.mean(predicted == truth)),
        within_one=float(np.mean(np.abs(predicted - truth) <= 1)),
        spearman=spearman,
    )


def left_out_lines(reports: list[LeftOutReport]) -> list[str]:
    """The model card's section on the left-out pianos."""
    if not reports:
        return []
    lines = [
        "## Pianos it never heard (leave one out)",
        "Each row is a model that never heard that piano family (trained with `pianoscope train "
        "--leave-out FAMILY`, or by a recipe without it: the four-piano weights never heard the "
        "Steinway B), judged on new playing of it in rooms. Form and intensity as the product "
        "reads them (`note_reading`: the head and the window's notes together), on every "
        "window of the piano, also those it does not give them for ('given'). Intensity "
        "four ways: with the three-passage calibration played where the take is (each clip's "
        "piano plays its soft, medium and loud passages in the clip's own room, through its "
        "microphone, with its noise and gain, as a teacher calibrates where they record), "
        "with the passages played dry (each piano calibrated once, outside any room), at the "
        "level convention (as after the mf calibration), and uncalibrated "
        f"(input gain ±{UNCALIBRATED_GAIN_DB:g} dB). 'given' is the share of windows that get "
        "form and intensity: all of a piano's, none of anything else's.",
        "",
        "| left out | windows | form | intensity exact (passages in the room / dry / mf / none) "
        "| within one (passages in the room / dry / mf / none) | Spearman (passages in the "
        "room / dry / mf / none) | piano windows given | other instruments / speech / noise "
        "given |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        judged = (r.room_passages, r.passages, r.calibrated, r.uncalibrated)
        others = " / ".join(f"{100 * share:.1f} %" for share in r.others_given.values())
        lines.append(
            f"| {r.family} | {r.windows} | {100 * r.form_accuracy:.1f} % | "
            f"{_joined(judged, lambda f: f'{100 * f.exact:.1f} %')} | "
            f"{_joined(judged, lambda f: f'{100 * f.within_one:.1f} %')} | "
            f"{_joined(judged, lambda f: _spearman(f.spearman))} | "
            f"{100 * r.piano_windows_given:.1f} % | {others} |"
        )
    lines += [
        "",
        "Targets: form >= 90 %, with the three-passage calibration Spearman >= 0.85 and within "
        "one class >= 95 %, piano windows given >= 98 %, other sounds given <= 3 %.",
        *[
            f"{r.family}: the calibration refused the passages in {r.room_passages_refused} of "
            "its clips' rooms (read at the level convention there)."
            for r in reports
            if r.room_passages_refused
        ],
        "",
    ]
    return lines


def _joined(
    figures: tuple[IntensityFigures | None, ...], shown: Callable[[IntensityFigures], str]
) -> str:
    return " / ".join("–" if f is None else shown(f) for f in figures)


def _spearman(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"
