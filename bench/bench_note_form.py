"""Form on pianos no model heard: the classifier's form head, the notes, and the product's rule.

The Steinway B samples (never in the note network's or the form model's training; the shipped
classifier heard them, its leave-one-out model did not: `--weights`) and the two SoundFonts
reserved for evaluation (csound's sf_GMbank and FluidR3Mono_GM, which no model heard) play 3 s
clips of the four forms at the five intensities, in rooms with the
microphone and noise augmentation of the leave-one-out set (`recipe.left_out_spec`); so do the
four shipped pianos (new playing; `--known`). The centred 2 s of each clip get a form three ways:

- head: the classifier's form head alone (`--weights`, default the shipped weights);
- notes: the form model's reading of the notes struck in those 2 s
  (`pianoscope.transcription.form.note_form`);
- product: what the live view and the analyses give (`pianoscope.transcription.note_reading.
  with_note_reading`: the head's probabilities to the power the form model's head weight times
  the notes'; the weight was chosen with the shipped classifier).

Every window is judged, whether or not the classifier gives it a form; the share it gives one
to is printed beside ("given": the windows it hears a piano in, known or not). Prints the
accuracy of each way and the product's confusion matrix. Target of issue 12 on a piano never
heard: form >= 90 %.

    python bench/bench_note_form.py [--clips-per-class 4] [--weights PATH] [--known]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from pianoscope.model.inference import WINDOW_SAMPLES, Classifier
from pianoscope.model.labels import FORM_LABELS
from pianoscope.model.training.augment import ROOM_AND_MICROPHONE
from pianoscope.model.training.render import Instrument
from pianoscope.model.training.sources import KNOWN_PIANOS, STEINWAY, SampledPiano
from pianoscope.model.training.synth import every_class_plans, iter_plan_audio
from pianoscope.numeric_threads import use_one_numeric_thread
from pianoscope.transcription.form import note_form
from pianoscope.transcription.note_reading import with_note_reading
from pianoscope.transcription.spectrogram import SAMPLE_RATE_HZ
from pianoscope.transcription.transcriber import played_notes

UNSEEN_PIANOS: dict[str, Instrument | SampledPiano] = {
    "Steinway B": SampledPiano(STEINWAY),
    "csound grand": Instrument("sf_GMbank.sf2", 0),
    "FluidR3Mono grand": Instrument("FluidR3Mono_GM.sf3", 0),
}
CLIP_S = 3.0
WINDOW_START_S = 0.5  # the centred 2 s the classifier judges, in the clip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips-per-class", type=int, default=4, help="per form and intensity")
    parser.add_argument("--weights", type=Path, default=None, help="classifier weights to judge")
    parser.add_argument("--known", action="store_true", help="also the four shipped pianos")
    args = parser.parse_args()
    torch.set_num_threads(1)
    use_one_numeric_thread()
    classifier = Classifier(args.weights, threads=1)
    pianos = dict(UNSEEN_PIANOS)
    if args.known:
        pianos |= {f"known: {source.soundfont}:{source.program}": source for source in KNOWN_PIANOS}
    for name, source in pianos.items():
        started = time.monotonic()
        truth, read, given = _read(classifier, source, args.clips_per_class)
        figures = "  ".join(
            f"{way} {100 * np.mean(np.array(r) == truth):5.1f} %" for way, r in read.items()
        )
        print(
            f"{name} ({len(truth)} clips, {time.monotonic() - started:.0f} s): {figures}  "
            f"(given {100 * given:.0f} %)"
        )
        confusion = np.zeros((len(FORM_LABELS), len(FORM_LABELS)), dtype=int)
        for true, product in zip(truth, read["product"], strict=True):
            confusion[true, product] += 1
        for label, row in zip(FORM_LABELS, confusion, strict=True):
            print(f"    {label:9s} " + " ".join(f"{count:4d}" for count in row))


def _read(
    classifier: Classifier, source: Instrument | SampledPiano, per_class: int
) -> tuple[np.ndarray, dict[str, list[int]], float]:
    plans = every_class_plans(source, per_class, 20_261_203)
    truth = np.array([plan.form for plan in plans])
    read: dict[str, list[int]] = {"head": [], "notes": [], "product": []}
    given = []
    start = round(WINDOW_START_S * SAMPLE_RATE_HZ)
    for _index, audio in iter_plan_audio(plans, CLIP_S, ROOM_AND_MICROPHONE):
        window = audio[start : start + WINDOW_SAMPLES]
        head = classifier.predict(window)
        given.append(head.plays_piano)
        head = replace(head, is_other=False, is_silent=False)  # judged whether given or not
        read["head"].append(FORM_LABELS.index(head.form.label))
        notes = played_notes(window, workers=1)
        from_notes = note_form(notes, WINDOW_SAMPLES / SAMPLE_RATE_HZ)
        read["notes"].append(-1 if from_notes is None else int(np.argmax(from_notes)))
        product = with_note_reading(head, window, classifier.calibration)
        read["product"].append(FORM_LABELS.index(product.form.label))
    return truth, read, float(np.mean(given))


if __name__ == "__main__":
    main()
