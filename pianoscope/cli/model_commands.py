"""`pianoscope train` and `pianoscope evaluate`: reproduce and judge the shipped classifier."""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path
from typing import Any

from pianoscope.cli.numbers import WholeNumber
from pianoscope.cli.outputs import refuse_overwriting
from pianoscope.cli.progress_line import ProgressLine
from pianoscope.progress import ProgressCallback

log = logging.getLogger(__name__)

MAX_EPOCHS = 10_000
MAX_THREADS = 1_024  # more threads than cores only slows torch down; this bound stops typos


def register(subparsers: Any) -> None:
    train = subparsers.add_parser(
        "train",
        help="render the training data and train the classifier from scratch",
        description="Render the training data with FluidSynth (cached), train the classifier "
        "and save its weights. Reproduces resources/classifier.pt.",
    )
    train.add_argument(
        "--out",
        type=Path,
        default=None,
        help="weights file to write (default: the shipped resources/classifier.pt)",
    )
    train.add_argument("--cache", type=Path, default=None, help="dataset cache folder")
    train.add_argument(
        "--epochs",
        type=WholeNumber("number of epochs", minimum=1, maximum=MAX_EPOCHS),
        default=None,
        help="override the recipe's epochs",
    )
    train.add_argument(
        "--threads",
        type=WholeNumber("number of threads", minimum=1, maximum=MAX_THREADS),
        default=None,
        help="torch threads (default 1)",
    )
    train.add_argument(
        "--gan",
        action="store_true",
        help="also train the conditional GAN and mix its patches into training windows",
    )
    train.set_defaults(run=_run_train)

    evaluate = subparsers.add_parser(
        "evaluate",
        help="judge the classifier on the held-out set and write its report",
        description="Per-head accuracy and confusion matrices on held-out clips (new content "
        "and seeds); writes report.json and PNG confusion matrices, and the model card.",
    )
    evaluate.add_argument("--weights", type=Path, default=None, help="weights file to judge")
    evaluate.add_argument("--cache", type=Path, default=None, help="dataset cache folder")
    evaluate.add_argument(
        "--out",
        type=Path,
        default=Path("out/evaluation"),
        help="folder for report.json and the PNGs (default out/evaluation)",
    )
    evaluate.add_argument(
        "--model-card",
        type=Path,
        default=None,
        help="also write the model card (markdown) to this path",
    )
    evaluate.add_argument(
        "--compare",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "WEIGHTS"),
        help="also judge another weights file and list it in the model card (repeatable)",
    )
    evaluate.set_defaults(run=_run_evaluate)


def _run_train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from pianoscope.model.training.recipe import (
        GAN_PATCH_PROBABILITY,
        TRAIN_CONFIG,
        TRAIN_SPEC,
        VALIDATION_SPEC,
        default_cache_dir,
    )
    from pianoscope.model.training.synth import build_dataset
    from pianoscope.model.training.train import save_training, train_network

    cache = args.cache or default_cache_dir()
    refuse_overwriting([], [args.out], force=False)  # weights never replace a recording
    # Resolved before the long run: nothing is imported lazily after training.
    out = args.out or _shipped_weights_path()
    config = TRAIN_CONFIG
    if args.epochs is not None:
        config = replace(config, epochs=args.epochs)
    if args.threads is not None:
        config = replace(config, threads=args.threads)
    started = time.monotonic()
    line = _Progress()
    rendered: list[str] = []

    def counting(what: str) -> ProgressCallback:
        show = line.showing(what)

        def progress(fraction: float) -> None:
            if what not in rendered:
                rendered.append(what)
            show(fraction)

        return progress

    train = build_dataset(TRAIN_SPEC, cache, progress=counting("rendering training clips"))
    validation = build_dataset(
        VALIDATION_SPEC, cache, progress=counting("rendering validation clips")
    )
    line.done()
    data_minutes = (time.monotonic() - started) / 60.0
    generator, gan_notes = None, "No GAN augmentation."
    if args.gan:
        generator, gan_notes = _train_gan(train, validation, line)
        config = replace(config, gan_patch_probability=GAN_PATCH_PROBABILITY)
    result = train_network(
        train, config, validation=validation, progress=line.showing("training"), generator=generator
    )
    line.done()
    minutes = (time.monotonic() - started) / 60.0
    last = result.history[-1]
    data_source = "rendered from scratch" if len(rendered) == 2 else "partly or wholly from cache"
    notes = (
        f"`pianoscope train` ({config.epochs} epochs, {config.threads} thread(s), seed "
        f"{config.seed}) took {minutes:.1f} min in all: {data_minutes:.1f} min for the data "
        f"({data_source}), {minutes - data_minutes:.1f} min training. Last epoch validation "
        f"accuracy: {', '.join(f'{k} {v:.3f}' for k, v in last.validation_accuracy.items())}. "
        + gan_notes
    )
    save_training(result, config, out, notes=notes)
    print(f"Saved {out} ({out.stat().st_size / 1024:.0f} KiB) after {minutes:.1f} min.")
    for record in result.history:
        print(
            f"epoch {record.epoch:2d} loss {record.loss:.3f} "
            + " ".join(f"{k} {v:.3f}" for k, v in record.validation_accuracy.items())
        )
    return 0


def _train_gan(train: Any, validation: Any, line: _Progress) -> tuple[Any, str]:
    """Train the recipe's GAN and measure its JS divergence on validation patches."""
    import numpy as np

    from pianoscope.model.training.gan import generate, js_divergence, random_patches, train_gan
    from pianoscope.model.training.recipe import GAN_CONFIG, GAN_PATCH_PROBABILITY

    generator = train_gan(train, GAN_CONFIG, progress=line.showing("training the GAN"))
    line.done()
    real, condition = random_patches(validation, 2000, np.random.default_rng(1))
    divergence = js_divergence(real.numpy(), generate(generator, condition))
    print(f"GAN: JS divergence real vs generated validation patches {divergence:.3f} bits")
    notes = (
        f"GAN augmentation: {GAN_CONFIG.steps} GAN steps, JS divergence {divergence:.3f} bits "
        f"(per-band histograms, validation patches), patches mixed into "
        f"{100 * GAN_PATCH_PROBABILITY:.0f} % of known windows."
    )
    return generator, notes


def _run_evaluate(args: argparse.Namespace) -> int:
    from pianoscope.model.inference import Classifier
    from pianoscope.model.training.evaluate import evaluate, write_report
    from pianoscope.model.training.model_card import Alternative, model_card
    from pianoscope.model.training.recipe import HELDOUT_SPEC, default_cache_dir
    from pianoscope.model.training.robustness import measure_noise_robustness
    from pianoscope.model.training.synth import build_dataset
    from pianoscope.model.weights import load_weights

    weights = args.weights or _shipped_weights_path()
    line = _Progress()
    dataset = build_dataset(
        HELDOUT_SPEC,
        args.cache or default_cache_dir(),
        progress=line.showing("rendering held-out clips"),
    )
    line.done()
    classifier = Classifier(weights)
    noise = measure_noise_robustness(
        classifier, progress=line.showing("rendering clips for the noise test")
    )
    line.done()
    report = evaluate(classifier, dataset, noise)
    written = write_report(report, args.out)
    print(
        f"piano {100 * report.piano.accuracy:.1f} %  form {100 * report.form.accuracy:.1f} %  "
        f"intensity {100 * report.intensity.accuracy:.1f} %  "
        f"(off by >1 class {100 * report.intensity_off_by_more_than_one:.1f} %)"
    )
    print(f"white noise at {noise.snr_db:.0f} dB SNR costs (points): {noise.drop_points()}")
    print(
        f"held-out pianos called unknown {100 * report.held_out_pianos_called_unknown:.1f} %, "
        f"known pianos called unknown {100 * report.known_called_unknown:.1f} %"
    )
    for name in ("piano", "form", "intensity"):
        head = getattr(report, name)
        print(f"\n{name} confusion (rows truth, columns {', '.join(head.predicted_labels)}):")
        for label, counts in zip(head.true_labels, head.confusion, strict=True):
            print(f"  {label:>18} " + " ".join(f"{c:5d}" for c in counts))
    if args.model_card is not None:
        alternatives = tuple(
            Alternative(
                name,
                evaluate(Classifier(Path(path)), dataset),
                str(load_weights(Path(path)).metadata.get("notes", "")),
            )
            for name, path in args.compare
        )
        notes = str(load_weights(weights).metadata.get("notes", ""))
        args.model_card.write_text(model_card(report, notes, alternatives), encoding="utf-8")
        written.append(args.model_card)
    print("\nWrote " + ", ".join(str(p) for p in written))
    return 0


def _shipped_weights_path() -> Path:
    """resources/classifier.pt of this checkout or installation (it may not exist yet)."""
    from importlib import resources

    from pianoscope.model.inference import WEIGHTS_NAME

    return Path(str(resources.files("pianoscope.resources").joinpath(WEIGHTS_NAME)))


class _Progress:
    """Fractions shown on the shared one-line progress display, with ETA."""

    def __init__(self) -> None:
        self._line = ProgressLine()
        self._started = time.monotonic()

    def showing(self, what: str) -> ProgressCallback:
        """A progress callback that shows `what` with its percentage and time left."""

        def show(fraction: float) -> None:
            self._show(what, fraction, force=fraction >= 1.0)

        return show

    def done(self) -> None:
        self._line.close()
        self._started = time.monotonic()

    def _show(self, text: str, fraction: float, *, force: bool) -> None:
        elapsed = time.monotonic() - self._started
        remaining = elapsed / fraction - elapsed if fraction > 0 else 0.0
        self._line.show(
            f"{text}  {100 * fraction:5.1f} %  {elapsed:.0f} s, ~{remaining:.0f} s left",
            force=force,
        )
