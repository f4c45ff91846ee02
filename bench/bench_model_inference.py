"""Latency of one live classifier call (features + network) on one CPU thread.

Prints median and 99th percentile in milliseconds for the log-mel features of 2 s of audio, the
network on those features, and the whole `Classifier.predict` call (target: <= 5 ms); and what
`predict` adds for a piano that is none of the known ones, whose intensity is read from the
notes struck in the window, and the form from them and the head together (the note model
over 2 s of the bundled demo; live, every window where a piano plays).
Uses the shipped weights, or `--weights PATH`. One thread means numpy's BLAS too (the note
model is numpy), as in every Pianoscope process (`pianoscope.numeric_threads`).

    python bench/bench_model_inference.py [--calls 500] [--weights PATH]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from pianoscope.audio.fileio import load_audio
from pianoscope.dsp.features import log_mel
from pianoscope.model.inference import WINDOW_SAMPLES, Classifier
from pianoscope.numeric_threads import use_one_numeric_thread
from pianoscope.resources_path import demo_recording_path
from pianoscope.transcription.note_reading import with_note_reading


def _timings_ms(named_calls: dict[str, Callable[[], object]], calls: int) -> dict[str, np.ndarray]:
    """Interleaved timings, so a burst of load on a shared machine hits every call alike."""
    for call in named_calls.values():
        for _ in range(20):
            call()
    durations = {name: np.empty(calls) for name in named_calls}
    for i in range(calls):
        for name, call in named_calls.items():
            started = time.perf_counter()
            call()
            durations[name][i] = time.perf_counter() - started
    return {name: values * 1e3 for name, values in durations.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--weights", type=Path, default=None)
    args = parser.parse_args()
    use_one_numeric_thread()
    classifier = Classifier(args.weights, threads=1)
    audio = (np.random.default_rng(0).standard_normal(WINDOW_SAMPLES) * 0.05).astype(np.float32)
    features = log_mel(audio)
    piano = load_audio(demo_recording_path())[44_100 : 44_100 + WINDOW_SAMPLES]
    another_piano = replace(classifier.predict(piano), is_unknown=True, is_other=False)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"torch {torch.__version__}, threads {torch.get_num_threads()}, {args.calls} calls, "
        f"load average {load} on {os.cpu_count()} CPUs"
    )
    named_calls = {
        "log-mel features (2 s)": lambda: log_mel(audio),
        "network on features": lambda: classifier.predict_features(features),
        "Classifier.predict (2 s audio)": lambda: classifier.predict(audio),
        "+ form, intensity from notes": lambda: with_note_reading(another_piano, piano, None),
    }
    for name, timings in _timings_ms(named_calls, args.calls).items():
        median, p99 = np.median(timings), np.percentile(timings, 99)
        print(f"{name:32s} median {median:6.2f} ms   p99 {p99:6.2f} ms")


if __name__ == "__main__":
    main()
