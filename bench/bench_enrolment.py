"""Time of enrolling two pianos from two minutes of recordings each, on one CPU thread.

Renders 2 x 120 s of varied playing on two pianos the shipped model never trained on
(MuseScore_General_Lite and TimGM6mb bright pianos, cached), writes them as FLAC and runs
`pianoscope.app.enrolment.enrol_pianos` end to end. Prints the time of each phase (reading the
files, features, the trunk's summaries, training the head) against the 5-minute budget.

    python bench/bench_enrolment.py [--seconds 120]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from pianoscope.app.enrolment import LOADING_SHARE, PianoRecordings, enrol_pianos
from pianoscope.audio.fileio import write_audio
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS
from pianoscope.model.training.midi_gen import generate_phrase
from pianoscope.model.training.render import (
    MUSESCORE_LITE,
    TIMGM,
    Instrument,
    MidiSlot,
    render_phrases,
)

CACHE = Path.home() / ".cache" / "pianoscope-bench"
PIANOS = {"Bright grand": Instrument(MUSESCORE_LITE, 1), "Piano 2": Instrument(TIMGM, 1)}
BUDGET_S = 300.0
# Progress fractions at which enrol_pianos finishes each phase (see pianoscope.model.enrolment).
PHASES = {
    "reading files": LOADING_SHARE,
    "features": LOADING_SHARE + (1 - LOADING_SHARE) * 0.1,
    "trunk summaries": LOADING_SHARE + (1 - LOADING_SHARE) * 0.85,
    "training the head": 1.0,
}


def _rendered(instrument: Instrument, seconds: float) -> np.ndarray:
    path = (
        CACHE / f"enrol-{instrument.soundfont.split('.')[0]}-{instrument.program}-{seconds:g}.npy"
    )
    if path.is_file():
        return np.load(path)
    rng = np.random.default_rng(11)
    slots = [
        MidiSlot(
            generate_phrase(rng, FORM_LABELS[i % 4], INTENSITY_LABELS[int(rng.integers(5))], 6.0),
            instrument.program,
        )
        for i in range(int(np.ceil(seconds / 6.0)))
    ]
    audio = np.concatenate(render_phrases(slots, instrument.soundfont, gap_s=1.0))
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, audio[: round(seconds * 44_100)])
    return np.load(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="audio per piano")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory(prefix="pianoscope-enrol-bench-") as tmp:
        pianos = []
        for name, instrument in PIANOS.items():
            path = Path(tmp) / f"{name}.flac"
            write_audio(path, _rendered(instrument, args.seconds))
            pianos.append(PianoRecordings(name, (path,)))
        reached: dict[str, float] = {}
        started = time.monotonic()

        def progress(fraction: float) -> None:
            for phase, end in PHASES.items():
                if fraction >= end - 1e-9 and phase not in reached:
                    reached[phase] = time.monotonic() - started

        result = enrol_pianos(pianos, Path(tmp) / "out", progress=progress)
    print(f"load average {os.getloadavg()[0]:.2f}; 1 torch thread; 2 x {args.seconds:.0f} s")
    previous = 0.0
    for phase in PHASES:
        print(f"  {phase:<18} {reached[phase] - previous:6.2f} s")
        previous = reached[phase]
    print(
        f"enrolment {result.seconds:.1f} s in all ({result.seconds / BUDGET_S:.1%} of the "
        f"5-minute budget); validation accuracy {result.validation_accuracy:.1%}"
    )


if __name__ == "__main__":
    main()
