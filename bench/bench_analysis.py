"""Full-analysis figures: throughput and peak memory on a long FluidR3 recording, librosa's
equivalent calls on the same file, and note-event F1 against Basic Pitch when it is installed.

    nice python bench/bench_analysis.py [--minutes 10] [--basic-pitch PYTHON]

The recording (random melodies and chords, rendered once) is cached under
~/.cache/pianoscope-bench/. Memory is the peak RSS (VmHWM) of a child process that only
imports the analysis pipeline. `--basic-pitch` names a Python interpreter that has the `basic-pitch`
package (kept out of Pianoscope's environment: it pins TensorFlow).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mido
import numpy as np

from pianoscope.audio.fileio import load_audio, write_audio
from pianoscope.dsp.pitch import midi_to_hz
from pianoscope.model.training.render import FLUIDR3, render_midi
from pianoscope.transcription.transcriber import transcribe_notes

CACHE_DIR = Path.home() / ".cache" / "pianoscope-bench"
SAMPLE_RATE_HZ = 44_100
CHORD_SHAPES = ((0, 4, 7), (0, 3, 7), (0, 4, 7, 10), (0, 3, 8), (0, 5, 9))

# Peak memory is VmHWM, which exec resets; ru_maxrss would carry over the parent's peak.
_CHILD = """
import json, sys, time
from pianoscope.numeric_threads import use_one_numeric_thread
use_one_numeric_thread()  # as the pianoscope command does
from pianoscope.analysis.pipeline import analyse_file
start = time.perf_counter()
labeller = None
if sys.argv[2:] == ["labels"]:  # as `pianoscope analyse` does by default
    from pianoscope.app.segment_labeller import load_user_labeller
    labeller = load_user_labeller()
analysis = analyse_file(sys.argv[1], labeller=labeller)
elapsed = time.perf_counter() - start
status = open("/proc/self/status").read().split("VmHWM:")[1].split()
print(json.dumps({"elapsed_s": elapsed, "duration_s": analysis.duration_s,
                  "notes": len(analysis.notes), "tempo_bpm": analysis.tempo_bpm,
                  "max_rss_mb": int(status[0]) / 1024}))
"""

_LIBROSA = """
import json, sys, time
import librosa, numpy as np
start = time.perf_counter()
y, sr = librosa.load(sys.argv[1], sr=44100)
spectrum = np.abs(librosa.stft(y, n_fft=8192, hop_length=882))
onsets = librosa.onset.onset_detect(y=y, sr=sr, hop_length=441, units="time")
tempo = librosa.feature.tempo(y=y, sr=sr, hop_length=441)
rms = librosa.feature.rms(y=y, frame_length=4410, hop_length=4410)
print(json.dumps({"elapsed_s": time.perf_counter() - start, "onsets": int(onsets.size)}))
"""


def random_notes(minutes: float, seed: int) -> list[tuple[float, float, int, int]]:
    """(onset s, offset s, midi, velocity): alternating 20 s of melody and 20 s of chords."""
    rng = np.random.default_rng(seed)
    notes, time_s, midi = [], 0.3, 60
    while time_s < minutes * 60 - 2:
        section_end = min(time_s + 20.0, minutes * 60 - 2)
        chordal = int(time_s // 20) % 2 == 1
        while time_s < section_end:
            velocity = int(rng.integers(40, 115))
            if chordal:
                root = int(rng.integers(43, 72))
                step_s = float(rng.choice([0.5, 0.75, 1.0]))
                shape = CHORD_SHAPES[rng.integers(len(CHORD_SHAPES))]
                notes += [(time_s, time_s + 0.95 * step_s, root + s, velocity) for s in shape]
            else:
                midi = int(np.clip(midi + rng.integers(-5, 6), 36, 90))
                step_s = float(rng.choice([0.2, 0.3, 0.4, 0.6]))
                notes.append((time_s, time_s + 0.9 * step_s, midi, velocity))
            time_s += step_s
    return notes


def write_midi(notes: list[tuple[float, float, int, int]], path: Path) -> None:
    ticks_per_s = 960  # 480 ticks per beat at 120 BPM
    events = []
    for onset_s, offset_s, midi, velocity in notes:
        events.append((round(onset_s * ticks_per_s), 1, "note_on", midi, velocity))
        events.append((round(offset_s * ticks_per_s), 0, "note_off", midi, 0))
    track = mido.MidiTrack([mido.Message("program_change", program=0)])
    now = 0
    for tick, _, kind, midi, velocity in sorted(events):
        track.append(mido.Message(kind, note=midi, velocity=velocity, time=tick - now))
        now = tick
    midi_file = mido.MidiFile(ticks_per_beat=480)
    midi_file.tracks.append(track)
    midi_file.save(str(path))


def recording(minutes: float, seed: int) -> tuple[Path, list[tuple[float, float, int, int]]]:
    notes = random_notes(minutes, seed)
    path = CACHE_DIR / f"take-{minutes:g}min-{seed}.flac"
    if not path.is_file():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        midi_path = path.with_suffix(".mid")
        write_midi(notes, midi_path)
        write_audio(path, render_midi(midi_path, FLUIDR3))
    return path, notes


def run_child(code: str, path: Path, *arguments: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code, str(path), *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def note_f1(reference, estimated) -> tuple[float, float, float]:
    import mir_eval

    ref_i = np.array([[r[0], r[1]] for r in reference])
    est_i = np.array([[e[0], e[1]] for e in estimated]).reshape(-1, 2)
    precision, recall, f1, _ = mir_eval.transcription.precision_recall_f1_overlap(
        ref_i,
        np.array([midi_to_hz(r[2]) for r in reference]),
        est_i,
        np.array([midi_to_hz(e[2]) for e in estimated]),
        onset_tolerance=0.05,
        pitch_tolerance=50.0,
        offset_ratio=None,
    )
    return precision, recall, f1


def basic_pitch_notes(python: str, path: Path) -> list[tuple[float, float, int]]:
    code = (
        "import json, sys\n"
        "from basic_pitch.inference import predict\n"
        "_, _, events = predict(sys.argv[1])\n"
        "print(json.dumps([[float(s), float(e), int(p)] for s, e, p, *_ in events]))\n"
    )
    result = subprocess.run([python, "-c", code, str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    return [tuple(n) for n in json.loads(result.stdout.strip().splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--basic-pitch", metavar="PYTHON", help="interpreter with basic-pitch")
    args = parser.parse_args()

    path, notes = recording(args.minutes, seed=7)
    ours = run_child(_CHILD, path)
    print(f"Full analysis of {ours['duration_s'] / 60:.1f} min ({path.name}, FLAC):")
    print(
        f"  pianoscope analyse_file   {ours['duration_s'] / ours['elapsed_s']:7.1f}x real time "
        f"({ours['elapsed_s']:.1f} s), peak RSS {ours['max_rss_mb']:.0f} MB, "
        f"{ours['notes']} notes, tempo {ours['tempo_bpm']}"
    )
    labelled = run_child(_CHILD, path, "labels")
    print(
        f"  ... with classifier labels {labelled['duration_s'] / labelled['elapsed_s']:7.1f}x "
        f"real time ({labelled['elapsed_s']:.1f} s, loading torch and the weights included)"
    )
    theirs = run_child(_LIBROSA, path)
    speed = ours["duration_s"] / theirs["elapsed_s"]
    print(
        f"  librosa load, stft, onset_detect, tempo, rms {speed:7.1f}x real time "
        f"({theirs['elapsed_s']:.1f} s)"
    )

    print("\nNote events on the first 2 minutes (FluidR3 grand; onset 50 ms, exact pitch):")
    clip_s = min(120.0, args.minutes * 60)
    clip_ref = [n for n in notes if n[0] < clip_s - 1.0]
    samples = load_audio(path)[: round(clip_s * SAMPLE_RATE_HZ)]
    found = [(n.onset_s, n.offset_s, n.midi) for n in transcribe_notes(samples).notes]
    found = [n for n in found if n[0] < clip_s - 1.0]
    precision, recall, f1 = note_f1(clip_ref, found)
    print(f"  pianoscope   P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    if args.basic_pitch:
        with tempfile.TemporaryDirectory() as tmp:
            clip_path = Path(tmp) / "clip.wav"
            write_audio(clip_path, samples)
            start = time.perf_counter()
            reference = basic_pitch_notes(args.basic_pitch, clip_path)
            elapsed = time.perf_counter() - start
        reference = [n for n in reference if n[0] < clip_s - 1.0]
        precision, recall, f1 = note_f1(clip_ref, reference)
        print(
            f"  Basic Pitch  P {precision:.3f} R {recall:.3f} F1 {f1:.3f} "
            f"({clip_s / elapsed:.1f}x real time incl. start-up)"
        )
    else:
        print("  Basic Pitch  not run (pass --basic-pitch PYTHON)")


if __name__ == "__main__":
    main()
