"""Build the other pianos a one-piano enrolment is told apart from (`model.other_pianos`).

Every acoustic piano program (General MIDI 0, 1 and 3: grand, bright, honky-tonk) of the three
training SoundFonts plays `SECONDS_PER_PIANO` of seeded music cycling through the four playing
forms at random intensities, like a teacher's enrolment recording; its 2 s windows, at three
input gains, are summarised by the trunk of the given weights; other music on each (20 s)
makes the sample that says how often another piano passes. Only training sources are used: the
SoundFonts reserved for evaluation never shape a threshold. The electric grands (program 2)
are left out: the spread learnt from them taught the one-piano test that a piano may stray as
far as an electric grand does. Enrolling a training grand and judging another SoundFont's
pianos (18 cases), they were rejected in 96.7 % of windows with the electric grands in and
98.0 % without, and the electric grands themselves in 56 % and 81 %.

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
from pianoscope.model.network import PianoscopeNet
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
from pianoscope.pinned_numerics import go_on_pinned
from pianoscope.progress import ProgressCallback, no_progress
from pianoscope.resources_path import resource_path

log = logging.getLogger(__name__)

OTHER_PIANO_SOURCES: tuple[Instrument, ...] = tuple(
    Instrument(soundfont, program)
    for soundfont in (FLUIDR3, MUSESCORE_LITE, TIMGM)
    for program in (0, 1, 3)
)
SECONDS_PER_PIANO = 90.0
PHRASE_S = 6.0
GAINS_DB = (-12.0, 0.0, 12.0)
# Other music on the same pianos, apart from what the spread was measured on: whitened by a
# covariance of their own windows, they would look nearer than another piano's new playing.
SAMPLE_SECONDS_PER_PIANO = 20.0
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
    spreads, samples = [], []
    for index, instrument in enumerate(OTHER_PIANO_SOURCES):
        seed = SEED + 2 * index
        spreads.append(torch.cov(_summarised(network, instrument, seed, SECONDS_PER_PIANO).T))
        samples.append(_summarised(network, instrument, seed + 1, SAMPLE_SECONDS_PER_PIANO))
        progress((index + 1) / len(OTHER_PIANO_SOURCES))
    return OtherPianos(
        within_covariance=torch.stack(spreads).mean(dim=0),
        sample=torch.cat(samples),
        trunk=trunk_fingerprint(network),
        sources=tuple(instrument_name(instrument) for instrument in OTHER_PIANO_SOURCES),
    )


def _summarised(
    network: PianoscopeNet, instrument: Instrument, seed: int, seconds: float
) -> torch.Tensor:
    """The trunk's summaries of `seconds` of playing on `instrument`, at every gain."""
    windows = cut_windows(render_playing(instrument, seed, seconds))
    return summaries(network, np.concatenate([windows + np.float32(g) for g in GAINS_DB]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, default=resource_path(WEIGHTS_NAME))
    args = parser.parse_args()
    go_on_pinned("pianoscope.model.training.other_pianos")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    pianos = build_other_pianos(args.weights)
    path = save_other_pianos(other_pianos_path(args.weights), pianos)
    print(f"Saved {path} ({path.stat().st_size / 1024:.0f} KiB, {len(pianos.sources)} pianos)")


if __name__ == "__main__":
    main()
