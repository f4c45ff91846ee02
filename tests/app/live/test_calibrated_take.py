"""A take played through the live path with a calibration set, then analysed offline: the same
intensity classes, because the calibration travels with the take (its sidecar)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.signal import correlate
from support.unseen_pianos import STEINWAY, unseen_playing
from support.waiting import wait_until

from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import SegmentLabels
from pianoscope.app.live.engine import LiveEngine
from pianoscope.app.segment_labeller import ClassifierLabeller
from pianoscope.app.take_calibration import take_calibration
from pianoscope.audio.file_source import FileSource
from pianoscope.audio.fileio import load_audio, write_audio
from pianoscope.audio.recorder import read_sidecar
from pianoscope.cli.main import main
from pianoscope.model.calibration import Calibration, calibrate
from pianoscope.model.enrolled import EnrolledClassifier
from pianoscope.model.enrolment import enrol, trunk_fingerprint
from pianoscope.model.inference import WEIGHTS_NAME, Classifier
from pianoscope.model.labels import PIANO_LABELS
from pianoscope.model.other_pianos import load_other_pianos, other_pianos_path
from pianoscope.model.training.midi_gen import Note
from pianoscope.model.training.other_pianos import render_playing
from pianoscope.model.training.passage_reference import passage_phrases
from pianoscope.model.training.render import FLUIDR3, Instrument, MidiSlot, render_phrases
from pianoscope.model.training.sources import STEINWAY as STEINWAY_SAMPLES
from pianoscope.model.training.sources import SampledPiano
from pianoscope.model.training.synth import calibration_phrase, render_at_convention
from pianoscope.model.weights import load_weights
from pianoscope.resources_path import resource_path
from pianoscope.transcription.intensity import calibrate_passages_with_notes

pytestmark = pytest.mark.fluidsynth

RATE = 44_100
SEGMENT_SAMPLES = 2 * RATE
GRAND = Instrument(FLUIDR3, 0)
QUIET_MICROPHONE = 10.0 ** (-14.0 / 20.0)  # the teacher's input reads 14 dB below the training's
PAUSE_AT_S = 21.0  # half way through the eleventh segment
PAUSE_SAMPLES = round(1.5 * RATE)  # at least this much input arrives during the pause


def _phrase_at(velocity: int) -> np.ndarray:
    phrase = calibration_phrase()
    notes = tuple(Note(n.start_s, n.duration_s, n.pitch, velocity) for n in phrase.notes)
    (clip,) = render_phrases(
        [MidiSlot(type(phrase)(**{**phrase.__dict__, "notes": notes}), 0)], FLUIDR3
    )
    return clip * np.float32(QUIET_MICROPHONE)


@pytest.fixture(scope="module")
def take_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 s of playing in all forms at random intensities, through the quiet microphone: 30
    segments, so that one in 20 may differ."""
    path = tmp_path_factory.mktemp("source") / "lesson.wav"
    write_audio(path, render_playing(GRAND, seed=5, seconds=60.0) * np.float32(QUIET_MICROPHONE))
    return path


def _calibration(kind: str) -> Calibration:
    if kind == "mf":
        return calibrate(_phrase_at(72))
    return calibrate_passages_with_notes(_phrase_at(50), _phrase_at(72), _phrase_at(95))


@pytest.mark.parametrize(("kind", "pause_at_s"), [("mf", None), ("passages", PAUSE_AT_S)])
def test_live_and_offline_intensities_of_a_calibrated_take_agree(
    kind: str, pause_at_s: float | None, take_source: Path, tmp_path: Path
) -> None:
    """Also when the take was paused: the segment across the pause joins the audio either side,
    and the live window for it does the same."""
    torch.manual_seed(0)
    calibration = _calibration(kind)
    take, live = _played_live(
        take_source, lambda: Classifier(threads=1), calibration, tmp_path, pause_at_s
    )
    assert Calibration.from_json(read_sidecar(take).calibration) == calibration

    out = tmp_path / "take.json"
    assert main(["analyse", str(take), "--json", str(out)]) == 0
    segments = json.loads(out.read_text())["segments"]
    offline = [(segment["intensity"] or {}).get("label") for segment in segments]
    _assert_agree(f"{kind} calibration", take_source, take, live, segments, offline)


def test_an_enrolled_pianos_intensity_from_its_notes_agrees_live_and_offline(
    tmp_path: Path,
) -> None:
    """The teacher's own piano (the Steinway B, enrolled alone) is none of the known pianos,
    so its intensity comes from its notes, live and offline alike."""
    torch.manual_seed(0)
    source = tmp_path / "steinway.wav"
    gain = np.float32(QUIET_MICROPHONE)
    write_audio(source, unseen_playing(STEINWAY, seed=5, seconds=60.0) * gain)
    soft, medium, loud = render_at_convention(SampledPiano(STEINWAY_SAMPLES), passage_phrases())
    calibration = calibrate_passages_with_notes(soft * gain, medium * gain, loud * gain)
    weights = resource_path(WEIGHTS_NAME)
    loaded = load_weights(weights)
    others = load_other_pianos(other_pianos_path(weights), trunk_fingerprint(loaded.network))
    enrolment = enrol(
        {"Studio Steinway": [unseen_playing(STEINWAY, seed=1)]}, loaded.network, others=others
    )
    classifier = EnrolledClassifier(enrolment, load_weights(weights))
    take, live = _played_live(source, lambda: classifier, calibration, tmp_path)

    labeller = ClassifierLabeller(classifier, take_calibration(take))
    segments = analyse_file(take, labeller=labeller).segments
    pianos = [s.labels.piano.label for s in segments if s.labels and s.labels.piano]
    assert pianos and not set(pianos) & set(PIANO_LABELS)
    offline = [_intensity(s.labels) for s in segments]
    assert sum(label is not None for label in offline) >= 25  # of 30: a piano plays throughout
    spans = [{"start_s": s.start_s, "end_s": s.end_s} for s in segments]
    _assert_agree("enrolled piano", source, take, live, spans, offline)


def _intensity(labels: SegmentLabels | None) -> str | None:
    return labels.intensity.label if labels is not None and labels.intensity else None


def _played_live(
    source: Path,
    load_classifier,
    calibration: Calibration,
    tmp_path: Path,
    pause_at_s: float | None = None,
) -> tuple[Path, list]:
    """Play `source` through the live engine with `calibration` set, recording it (paused for
    `PAUSE_SAMPLES` or a little more once `pause_at_s` are recorded); the take and the
    classifier's history."""
    engine = LiveEngine(FileSource(source), load_classifier=load_classifier)
    engine.set_calibration(calibration)
    take = tmp_path / "take.flac"
    engine.start()
    try:
        engine.start_recording(take)
        if pause_at_s is not None:
            wait_until(lambda: engine.stats().recording_s >= pause_at_s, 120, "the pause is due")
            engine.set_recording_paused(True)
            resume_at = engine.source.ring.written + PAUSE_SAMPLES
            wait_until(lambda: engine.source.ring.written >= resume_at, 60, "the pause is over")
            engine.set_recording_paused(False)
        wait_until(engine.source.finished.is_set, 240, "the take has been played")
        engine.stop_recording()
        live = engine.classifier.history()
    finally:
        engine.stop()
    return take, live


def _assert_agree(
    what: str,
    source_path: Path,
    take: Path,
    live: list,
    segments: list[dict],
    offline: list[str | None],
) -> None:
    """>= 95 % of the whole 2 s segments get the intensity the live prediction nearest to the
    segment's end gave."""
    recorded = load_audio(take)
    source = load_audio(source_path)
    start, resumed_at, left_out = _take_in(source, recorded)
    agree = compared = 0
    live_times = np.array([p.time_s for p in live])
    for index, segment in enumerate(segments):
        take_end = (index + 1) * SEGMENT_SAMPLES
        end = start + take_end + (left_out if take_end > resumed_at else 0)  # a ring index
        if round((segment["end_s"] - segment["start_s"]) * RATE) < SEGMENT_SAMPLES:
            continue
        nearest = int(np.argmin(np.abs(live_times - end / RATE)))
        if abs(live_times[nearest] - end / RATE) > 0.2:
            continue
        compared += 1
        agree += live[nearest].prediction.intensity_label == offline[index]
    print(f"{what}: live and offline intensity agree in {agree}/{compared} segments")
    assert compared >= 10
    assert agree / compared >= 0.95


def _take_in(source: np.ndarray, recorded: np.ndarray) -> tuple[int, int, int]:
    """Where the recording starts in the source (the ring index of its first sample), the take
    sample from which on a pause left audio out (its length without a pause), and how much."""
    start = _offset_in(source[: 10 * RATE], recorded[:RATE])
    differs = np.abs(recorded - source[start : start + recorded.size]) > 1e-4  # 24-bit FLAC
    if not differs.any():
        return start, recorded.size, 0
    resumed_at = int(np.argmax(differs))
    later = source[start + resumed_at : start + resumed_at + 10 * RATE]
    left_out = _offset_in(later, recorded[resumed_at : resumed_at + RATE])
    resumed = source[start + resumed_at + left_out :][: recorded.size - resumed_at]
    np.testing.assert_allclose(recorded[resumed_at:], resumed, atol=1e-4)
    return start, resumed_at, left_out


def _offset_in(source: np.ndarray, head: np.ndarray) -> int:
    """Where `head` starts in `source` (cross-correlation)."""
    scores = correlate(source, head, mode="valid", method="fft")
    return int(np.argmax(scores))
