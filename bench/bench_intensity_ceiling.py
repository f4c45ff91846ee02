"""How much of a window's intensity class its level tells on the four shipped pianos: the
ceiling of a level reader, beside the classifier's head.

Issue 12 asks the four shipped pianos for intensity >= 85 % (exact class of five) on the
held-out set. The classes are 20-25 velocity steps wide (`labels.INTENSITY_VELOCITIES`); a
phrase's level is uniform inside its class and each note within a quarter of the class of it
(`midi_gen`). Near the top of the velocity range a step is about 0.2 dB of level, so a class is
4-5 dB: a reader must read the window's playing level to about a decibel. Here readers that
know more than the product does read the same windows as the head:

- level: the centred 2 s window's playing level (`calibration.playing_level_db`, the level cue
  the classifier's LSTM gets) against the level convention, as after the mf calibration;
- level, notes known: the same less the level of the very notes played at one velocity (72, the
  calibration's), rendered dry at the convention: a reader that knew every key struck, when and
  for how long, and the piano's voicing, so that what is left is the velocity (and the room);
- level and brightness, notes known: the same and the window's spectral tilt less the tilt of
  those notes at velocity 72 (`calibration.spectral_tilt_db`; a harder blow is brighter, a
  microphone tilt tilts everything), both weighed by a least-squares line;
- level, notes and room known: the same notes at velocity 72 heard through the clip's own room,
  microphone, noise and gain (`synth.in_clip_acoustics`): the room's colour and reverberation
  taken off too, what is left is the velocity, the noise and the level measure itself.

Each reader's line from its measures to the class index and four cut points on it (each
between two neighbouring classes where it misreads the fewest of their clips) are fitted on
one draw of clips and judged on another. Beside them, on the judged clips, what the product
reads at the level convention (as after the mf calibration): the classifier's intensity head,
the notes struck in the window (`transcription.intensity.window_note_intensity`), the two
together as the product gives them for a known piano (`note_reading.with_note_reading`), and
with `--scale` the notes read through a scale calibration (`transcription.scale_calibration`:
every key once, mf) played in the clip's own room, through its microphone, with its noise and
gain: the calibration that measures each key as the room colours it.

All on the held-out set's two kinds of clip: in rooms (`ROOM_AND_MICROPHONE`: RT60 0.2-1.5 s,
microphone tilt, noise, each clip at its room's mf calibration level, +-1 dB) and without rooms
(`AugmentConfig()`: the small noise reverb, noise and +-1 dB gain, the set the four-piano
weights were measured on). The judged draw is `bench_note_intensity.py --known`'s (seed
20 261 202). Prints exact class and within one class per piano and reader.

    python bench/bench_intensity_ceiling.py [--clips-per-class 4] [--rooms ...] [--scale]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import torch
from bench_note_intensity import (  # the clips' windows cut and read as that bench does
    CLIP_S,
    centred_audio,
    centred_features,
    class_from_notes,
    exact_and_within_one,
)

from pianoscope.model.calibration import (
    REFERENCE_LEVEL_DB,
    playing_level_db,
    spectral_tilt_db,
)
from pianoscope.model.inference import Classifier
from pianoscope.model.labels import INTENSITY_LABELS
from pianoscope.model.training.augment import ROOM_AND_MICROPHONE, AugmentConfig
from pianoscope.model.training.evaluate import predict_windows
from pianoscope.model.training.midi_gen import Phrase
from pianoscope.model.training.render import Instrument
from pianoscope.model.training.sources import KNOWN_PIANOS
from pianoscope.model.training.synth import (
    CALIBRATION_VELOCITY,
    ClipPlan,
    calibration_phrase,
    clip_phrase,
    every_class_plans,
    in_clip_acoustics,
    iter_plan_audio,
    render_at_convention,
)
from pianoscope.transcription.note_reading import with_note_reading
from pianoscope.transcription.scale_calibration import calibrate_scale
from pianoscope.transcription.training.content import chromatic_scale

JUDGED_SEED = 20_261_202  # bench_note_intensity.py's clips
FITTED_SEED = 20_261_206
ROOMS: dict[str, AugmentConfig] = {
    "in rooms": ROOM_AND_MICROPHONE,
    "without rooms": AugmentConfig(),
}
LEVEL_READERS = (
    "level",
    "level, notes known",
    "level and brightness, notes known",
    "level, notes and room known",
)
PRODUCT_READERS = ("head", "notes", "product")
SCALE_READER = "notes, scale in the room"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips-per-class", type=int, default=4, help="per form and intensity")
    parser.add_argument(
        "--rooms", choices=sorted(ROOMS), nargs="+", default=list(ROOMS), help="which clips"
    )
    parser.add_argument(
        "--scale", action="store_true", help=f"also '{SCALE_READER}' (slow: about 5 s a clip)"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    classifier = Classifier(threads=1)
    for room in args.rooms:
        config = ROOMS[room]
        totals: dict[str, list[float]] = {}
        for piano in KNOWN_PIANOS:
            started = time.monotonic()
            fitted = _measure(piano, args.clips_per_class, FITTED_SEED, config)
            judged = _measure(
                piano, args.clips_per_class, JUDGED_SEED, config, classifier, scale=args.scale
            )
            name = f"{piano.soundfont}:{piano.program}"
            print(f"{name} {room} ({len(judged.truth)} clips, {time.monotonic() - started:.0f} s)")
            for reader in (*LEVEL_READERS, *judged.read):
                if reader in judged.read:
                    read = judged.read[reader]
                else:
                    read = _fitted_reader(fitted, reader)(judged.levels[reader])
                exact, within_one = exact_and_within_one(judged.truth, read)
                totals.setdefault(reader, []).append(exact)
                print(f"  {reader:34s} exact {exact:5.1f} %  within one {within_one:5.1f} %")
        means = ", ".join(f"{reader} {np.mean(v):.1f} %" for reader, v in totals.items())
        print(f"four pianos {room}, exact class (mean): {means}")


@dataclass
class Measured:
    """Of every clip: its true class, each level reader's measures (dB) and, on the judged
    draw, the class each of the product's readers gives it."""

    truth: list[int] = field(default_factory=list)
    levels: dict[str, list[tuple[float, ...]]] = field(
        default_factory=lambda: {reader: [] for reader in LEVEL_READERS}
    )
    read: dict[str, list[int]] = field(default_factory=dict)


def _measure(
    piano: Instrument,
    per_class: int,
    seed: int,
    config: AugmentConfig,
    classifier: Classifier | None = None,
    *,
    scale: bool = False,
) -> Measured:
    """Every clip's levels; with `classifier`, also what the head, the notes, the product (and
    with `scale` the notes through a scale calibration played in the clip's room) read."""
    plans = every_class_plans(piano, per_class, seed)
    # one FluidSynth run for both, as docs/classifier.md's figures were rendered (a run of the
    # scale alone renders it a little otherwise: one window of 20 read differently)
    mf_phrase, scale_dry = render_at_convention(piano, [calibration_phrase(), chromatic_scale()])
    at_one_velocity = render_at_convention(piano, [_at_one_velocity(p) for p in plans])
    readers = () if classifier is None else (*PRODUCT_READERS, *((SCALE_READER,) if scale else ()))
    measured = Measured(read={reader: [] for reader in readers})
    for index, audio in iter_plan_audio(plans, CLIP_S, config):
        plan = plans[index]
        window = centred_features(audio)
        level = playing_level_db(window)
        dry_window = centred_features(at_one_velocity[index])
        dry = playing_level_db(dry_window)
        in_room = in_clip_acoustics(plan, CLIP_S, config, at_one_velocity[index], mf_phrase)
        measured.truth.append(plan.intensity)
        measured.levels["level"].append((level - REFERENCE_LEVEL_DB,))
        measured.levels["level, notes known"].append((level - dry,))
        measured.levels["level and brightness, notes known"].append(
            (level - dry, spectral_tilt_db(window) - spectral_tilt_db(dry_window))
        )
        measured.levels["level, notes and room known"].append(
            (level - playing_level_db(centred_features(in_room)),)
        )
        if classifier is not None:
            (prediction,) = predict_windows(classifier, window[None], None)
            measured.read["head"].append(INTENSITY_LABELS.index(prediction.intensity.label))
            measured.read["notes"].append(class_from_notes(audio, None, None))
            product = with_note_reading(prediction, centred_audio(audio), None)
            measured.read["product"].append(INTENSITY_LABELS.index(product.intensity.label))
            if scale:
                in_room_scale = in_clip_acoustics(plan, CLIP_S, config, scale_dry, mf_phrase)
                measured.read[SCALE_READER].append(
                    class_from_notes(audio, calibrate_scale(in_room_scale), None)
                )
    return measured


def _at_one_velocity(plan: ClipPlan) -> Phrase:
    """The clip's phrase with every note struck at the calibration's velocity."""
    phrase, _ = clip_phrase(plan, CLIP_S)
    notes = tuple(replace(note, velocity=CALIBRATION_VELOCITY) for note in phrase.notes)
    return replace(phrase, notes=notes)


def _fitted_reader(
    fitted: Measured, reader: str
) -> Callable[[list[tuple[float, ...]]], np.ndarray]:
    """A reader's classes from its measures: a least-squares line from the measures to the
    class index, then four cut points on it, both fitted on the `fitted` draw."""
    measures = np.array(fitted.levels[reader])
    design = np.column_stack([measures, np.ones(len(measures))])
    weights, *_ = np.linalg.lstsq(design, np.array(fitted.truth, dtype=float), rcond=None)
    cuts = _fitted_cuts(list(design @ weights), fitted.truth)

    def read(judged: list[tuple[float, ...]]) -> np.ndarray:
        values = np.array(judged)
        return np.searchsorted(cuts, np.column_stack([values, np.ones(len(values))]) @ weights)

    return read


def _fitted_cuts(levels: list[float], truth: list[int]) -> np.ndarray:
    """Four cut points, each between two neighbouring classes where it misreads the fewest of
    their clips (midway between the two levels it falls between), kept in order."""
    values, classes = np.array(levels), np.array(truth)
    cuts = []
    for upper in range(1, len(INTENSITY_LABELS)):
        pair = values[(classes == upper - 1) | (classes == upper)]
        is_upper = classes[(classes == upper - 1) | (classes == upper)] == upper
        order = np.argsort(pair)
        ranked, upper_ranked = pair[order], is_upper[order]
        # errors with the cut after position k: uppers at or below k plus lowers above k
        uppers_below = np.concatenate([[0], np.cumsum(upper_ranked)])
        lowers_above = np.concatenate([[0], np.cumsum(~upper_ranked[::-1])])[::-1]
        best = int(np.argmin(uppers_below + lowers_above))
        edges = np.concatenate([[ranked[0] - 1.0], ranked, [ranked[-1] + 1.0]])
        cuts.append((edges[best] + edges[best + 1]) / 2.0)
    return np.sort(np.array(cuts))


if __name__ == "__main__":
    main()
