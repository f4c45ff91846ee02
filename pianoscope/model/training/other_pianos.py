"""Build the other pianos a one-piano enrolment is told apart from (`model.other_pianos`).

Every piano program (General MIDI 0-3: grand, bright, electric grand, honky-tonk) of the three
training SoundFonts plays `SECONDS_PER_PIANO` of seeded music cycling through the four playing
forms at random intensities, like a teacher's enrolment recording; its 2 s windows, at three
input gains, are summarised by the trunk of the given weights. Only training sources are used:
the SoundFonts reserved for evaluation never shape a threshold.

    python -m pianoscope.model.training.other_pianos [--weights resources/classifier.pt]
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np
import torch

from pianoscope.model.enrolment import cut_windows, summaries, trunk_fingerprint
from pianoscope.model.inference import WEIGHTS_NAME
from pianoscope.model.labels import FORM_LABELS, INTENSITY_LABELS
from pianoscope.model.other_pianos import OtherPianos, other_pianos_path, save_other_pianos
from pianoscope.model.training.midi_gen import generate_phrase
from pianoscope.model.training.render import (
    FLUIDR3,
    MUSESCORE_LITE,
    SAMPLE_RATE_HZ,
    TIMGM,
    Instrument,
    MidiSlot,
    render_phrases,
)
from pianoscope.model.training.sources import instrument_name
from pianoscope.model.weights import load_weights
from pianoscope.progress import ProgressCallback, no_progress
from pianoscope.resources_path import resource_path

log = logging.getLogger(__name__)

OTHER_PIANO_SOURCES: tuple[Instrument, ...] = tuple(
    Instrument(soundfont, program)
    for soundfont in (FLUIDR3, MUSESCORE_LITE, TIMGM)
    for program in range(4)
)
SECONDS_PER_PIANO = 90.0
PHRASE_S = 6.0
GAINS_DB = (-12.0, 0.0, 12.0)
SAMPLE_WINDOWS = 600
SEED = 20_260_412


def render_playing(instrument: Instrument, seed: int, seconds: float) -> np.ndarray:
    """`seconds` of seeded playing on `instrument`: phrases cycling through the four forms at
    random intensities, 1 s apart (float32 mono, 44.1 kHz)."""
    rng = np.random.default_rng(seed)
    slots = [
        MidiSlot(
            generate_phrase(
                rng, FORM_LABELS[i % 4], INTENSITY_LABELS[int(rng.integers(5))], PHRASE_S
            ),
            instrument.program,
        )
        for i in range(int(np.ceil(seconds / PHRASE_S)))
    ]
    audio = np.concatenate(render_phrases(slots, instrument.soundfont, gap_s=1.0))
    return audio[: round(seconds * SAMPLE_RATE_HZ)].astype(np.float32)


def build_other_pianos(
    weights_path: Path, *, progress: ProgressCallback = no_progress
) -> OtherPianos:
    """Render, window and summarise the other pianos with the trunk of `weights_path`."""
    network = load_weights(weights_path).network
    parts = []
    for index, instrument in enumerate(OTHER_PIANO_SOURCES):
        seed = SEED + index
        windows = cut_windows(render_playing(instrument, seed, SECONDS_PER_PIANO))
        gained = np.concatenate([windows + np.float32(gain) for gain in GAINS_DB])
        parts.append(summaries(network, gained))
        progress((index + 1) / len(OTHER_PIANO_SOURCES))
    windows = torch.cat(parts)
    chosen = torch.randperm(windows.shape[0], generator=torch.Generator().manual_seed(SEED))
    return OtherPianos(
        mean=windows.mean(dim=0),
        covariance=torch.cov(windows.T),
        sample=windows[chosen[:SAMPLE_WINDOWS]],
        trunk=trunk_fingerprint(network),
        sources=tuple(instrument_name(instrument) for instrument in OTHER_PIANO_SOURCES),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, default=resource_path(WEIGHTS_NAME))
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    pianos = build_other_pianos(args.weights)
    path = save_other_pianos(other_pianos_path(args.weights), pianos)
    print(f"Saved {path} ({path.stat().st_size / 1024:.0f} KiB, {len(pianos.sources)} pianos)")


if __name__ == "__main__":
    main()
