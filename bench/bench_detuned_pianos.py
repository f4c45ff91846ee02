"""A piano out of tune: does the classifier still hear a piano, the same one, playing the same form?

A student's piano is rarely in tune: the two or three strings of a key drift apart, 5-20 cents on
a neglected upright, more on a honky-tonk. No training piano is detuned that way (the pool's
detuning moves whole notes, the modelled pianos' unisons differ by 0.2-3 cents), and a
leave-one-out model heard TimGM6mb's honky-tonk as a piano in only 62 % of its windows
(stop 36). Here allowed pianos (the four shipped ones and the Steinway B samples) play 3 s
clips of every form and intensity in rooms (`synth.every_class_plans`, the augmentation of
the leave-one-out set), and the centred 2 s of each is heard as it is and with its unisons
out of tune: mixed half and half with itself played CENTS sharp (resampled), two strings
per key, one of them off. For each detuning the script prints the share of windows in which
the shipped classifier hears a piano (form and intensity given), in which it names the same
piano as in tune, and in which the product's form (`note_reading.with_note_reading`) is right.

    python bench/bench_detuned_pianos.py [--clips-per-class 1] [--cents 0 8 15 25]
                                         [--weights CLASSIFIER.pt]

(`--weights`: another classifier than the shipped one, e.g. one `pianoscope train` made.)
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from pianoscope.model.inference import WINDOW_SAMPLES, Classifier
from pianoscope.model.labels import FORM_LABELS
from pianoscope.model.training.augment import ROOM_AND_MICROPHONE
from pianoscope.model.training.render import Instrument
from pianoscope.model.training.sources import KNOWN_PIANOS, STEINWAY, SampledPiano
from pianoscope.model.training.synth import every_class_plans, iter_plan_audio
from pianoscope.transcription.note_reading import with_note_reading

CLIP_S = 3.0
SEED = 20_261_203


def out_of_tune(window: np.ndarray, cents: float) -> np.ndarray:
    """`window` mixed half and half with itself played `cents` sharp (linear resampling; the
    sharp copy runs out 0.1-1.5 % early and is silent there)."""
    if cents == 0:
        return window
    positions = np.arange(window.size) * 2.0 ** (cents / 1200.0)
    sharp = np.interp(positions, np.arange(window.size), window, right=0.0)
    return (0.5 * (window + sharp)).astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips-per-class", type=int, default=1, help="per form and intensity")
    parser.add_argument("--cents", type=float, nargs="+", default=[0.0, 8.0, 15.0, 25.0])
    parser.add_argument("--weights", type=Path, help="a classifier's .pt (default: shipped)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    classifier = Classifier(args.weights, threads=1)
    pianos: dict[str, Instrument | SampledPiano] = {
        f"{source.soundfont}:{source.program}": source for source in KNOWN_PIANOS
    }
    pianos["Steinway B"] = SampledPiano(STEINWAY)
    print("share of windows: a piano heard / the same piano named as in tune / form right")
    for name, source in pianos.items():
        started = time.monotonic()
        plans = every_class_plans(source, args.clips_per_class, SEED)
        heard = {cents: [] for cents in args.cents}
        same = {cents: [] for cents in args.cents}
        form_right = {cents: [] for cents in args.cents}
        for index, audio in iter_plan_audio(plans, CLIP_S, ROOM_AND_MICROPHONE):
            start = (audio.size - WINDOW_SAMPLES) // 2
            window = audio[start : start + WINDOW_SAMPLES]
            as_played = classifier.predict(window)
            for cents in args.cents:
                detuned = out_of_tune(window, cents)
                heard_as = as_played if cents == 0 else classifier.predict(detuned)
                prediction = with_note_reading(heard_as, detuned, None)
                heard[cents].append(prediction.plays_piano)
                same[cents].append(prediction.piano_label == as_played.piano_label)
                form = FORM_LABELS.index(prediction.form.label)
                form_right[cents].append(prediction.plays_piano and form == plans[index].form)
        print(f"{name} ({len(plans)} clips, {time.monotonic() - started:.0f} s)")
        for cents in args.cents:
            print(
                f"  {cents:4.0f} cents: {100 * np.mean(heard[cents]):5.1f} % / "
                f"{100 * np.mean(same[cents]):5.1f} % / {100 * np.mean(form_right[cents]):5.1f} %"
            )


if __name__ == "__main__":
    main()
