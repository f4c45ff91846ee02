"""A take played through the live path with a calibration set, then analysed offline: the same
intensity classes, because the calibration travels with the take (its sidecar)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from scipy.signal import correlate
from support.waiting import wait_until

from pianoscope.app.live.engine import LiveEngine
from pianoscope.audio.file_source import FileSource
from pianoscope.audio.fileio import load_audio, write_audio
from pianoscope.audio.recorder import read_sidecar
from pianoscope.cli.main import main
from pianoscope.model.calibration import Calibration, calibrate, calibrate_passages
from pianoscope.model.inference import Classifier
from pianoscope.model.training.midi_gen import Note
from pianoscope.model.training.other_pianos import render_playing
from pianoscope.model.training.render import FLUIDR3, Instrument, MidiSlot, render_phrases
from pianoscope.model.training.synth import calibration_phrase

pytestmark = pytest.mark.fluidsynth

RATE = 44_100
SEGMENT_SAMPLES = 2 * RATE
GRAND = Instrument(FLUIDR3, 0)
QUIET_MICROPHONE = 10.0 ** (-14.0 / 20.0)  # the teacher's input reads 14 dB below the training's


def _phrase_at(velocity: int) -> np.ndarray:
    phrase = calibration_phrase()
    notes = tuple(Note(n.start_s, n.duration_s, n.pitch, velocity) for n in phrase.notes)
    (clip,) = render_phrases(
        [MidiSlot(type(phrase)(**{**phrase.__dict__, "notes": notes}), 0)], FLUIDR3
    )
    return clip * np.float32(QUIET_MICROPHONE)


@pytest.fixture(scope="module")
def take_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 s of playing in all forms at random intensities, through the quiet microphone."""
    path = tmp_path_factory.mktemp("source") / "lesson.wav"
    write_audio(path, render_playing(GRAND, seed=5, seconds=30.0) * np.float32(QUIET_MICROPHONE))
    return path


def _calibration(kind: str) -> Calibration:
    if kind == "mf":
        return calibrate(_phrase_at(72))
    return calibrate_passages(_phrase_at(50), _phrase_at(72), _phrase_at(95))


@pytest.mark.parametrize("kind", ["mf", "passages"])
def test_live_and_offline_intensities_of_a_calibrated_take_agree(
    kind: str, take_source: Path, tmp_path: Path
) -> None:
    torch.manual_seed(0)
    calibration = _calibration(kind)
    engine = LiveEngine(FileSource(take_source), load_classifier=lambda: Classifier(threads=1))
    engine.set_calibration(calibration)
    take = tmp_path / "take.flac"
    engine.start()
    try:
        engine.start_recording(take)
        wait_until(engine.source.finished.is_set, 120, "the take has been played")
        engine.stop_recording()
        live = engine.classifier.history()
    finally:
        engine.stop()
    assert Calibration.from_json(read_sidecar(take).calibration) == calibration

    out = tmp_path / "take.json"
    assert main(["analyse", str(take), "--json", str(out)]) == 0
    segments = json.loads(out.read_text())["segments"]

    recorded = load_audio(take)
    source = load_audio(take_source)
    start = _offset_in(source, recorded)  # the ring index of the take's first sample
    agree = compared = 0
    live_times = np.array([p.time_s for p in live])
    for index, segment in enumerate(segments):
        end = start + (index + 1) * SEGMENT_SAMPLES
        if round((segment["end_s"] - segment["start_s"]) * RATE) < SEGMENT_SAMPLES:
            continue
        nearest = int(np.argmin(np.abs(live_times - end / RATE)))
        if abs(live_times[nearest] - end / RATE) > 0.2:
            continue
        live_label = live[nearest].prediction.intensity_label
        offline_label = (segment["intensity"] or {}).get("label")
        compared += 1
        agree += live_label == offline_label
    share = agree / compared
    print(f"{kind} calibration: live and offline intensity agree in {agree}/{compared} segments")
    assert compared >= 10
    assert share >= 0.95


def _offset_in(source: np.ndarray, recorded: np.ndarray) -> int:
    """Where the recording starts in the source (cross-correlation of its first second)."""
    head = recorded[:RATE]
    scores = correlate(source[: 10 * RATE], head, mode="valid", method="fft")
    return int(np.argmax(scores))
