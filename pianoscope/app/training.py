"""Reproduce and judge the shipped classifier: the use cases behind `pianoscope train` and
`pianoscope evaluate`.

Each runs in stages (rendering, GAN, training; rendering, noise test, judging); the caller
gives `progress_for(stage)`, one progress callback per stage, so a front end can show each
stage on its own line or bar. Everything heavy (torch, FluidSynth) is imported here, when a
command runs, so the command line's `--help` stays light.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pianoscope.progress import ProgressCallback

if TYPE_CHECKING:
    from pianoscope.model.training.evaluate import EvaluationReport
    from pianoscope.model.training.gan import Generator
    from pianoscope.model.training.leave_one_out import LeftOutReport
    from pianoscope.model.training.robustness import NoiseRobustness
    from pianoscope.model.training.synth import Dataset
    from pianoscope.model.training.train import EpochRecord

StageProgress = Callable[[str], ProgressCallback]


@dataclass(frozen=True)
class TrainingReport:
    """What a training run saved and how it went."""

    weights: Path
    minutes: float
    history: tuple[EpochRecord, ...]
    gan_js_divergence_bits: float | None  # None without GAN augmentation


@dataclass(frozen=True)
class Evaluation:
    """The held-out report, the noise test, and the files written."""

    report: EvaluationReport
    noise: NoiseRobustness
    written: tuple[Path, ...]


def shipped_weights_path() -> Path:
    """resources/classifier.pt of this checkout or installation (it may not exist yet)."""
    from pianoscope.model.inference import WEIGHTS_NAME

    return Path(str(resources.files("pianoscope.resources").joinpath(WEIGHTS_NAME)))


def prepare_training_data(progress_for: StageProgress, *, cache: Path | None = None) -> float:
    """Render (or find in `cache`) every dataset of the recipe: training, validation, held-out
    (in rooms and without) and the left-out families' sets. Returns the minutes it took."""
    from pianoscope.model.training.recipe import default_cache_dir, recipe_datasets
    from pianoscope.model.training.synth import build_dataset

    started = time.monotonic()
    for name, spec in recipe_datasets().items():
        build_dataset(spec, cache or default_cache_dir(), progress=progress_for(name))
    return (time.monotonic() - started) / 60.0


def train_classifier(
    out: Path,
    progress_for: StageProgress,
    *,
    cache: Path | None = None,
    epochs: int | None = None,
    threads: int | None = None,
    gan: bool = False,
    leave_out: str | None = None,
    seed: int | None = None,
) -> TrainingReport:
    """Render (or read from `cache`) the recipe's data, train, and save the weights to `out`,
    with notes on how long each part took. `leave_out`: train without that pool family
    (`sources.LEAVE_ONE_OUT`), to measure it as a piano never heard. Today's recipe is not the
    shipped weights' (see `pianoscope.cli.model_commands`), so there is no default `out`."""
    from pianoscope.model.training.leave_one_out import without_family
    from pianoscope.model.training.recipe import (
        GAN_PATCH_PROBABILITY,
        TRAIN_CONFIG,
        TRAIN_SPEC,
        VALIDATION_SPEC,
        default_cache_dir,
    )
    from pianoscope.model.training.synth import build_dataset
    from pianoscope.model.training.train import save_training, train_network

    cache = cache or default_cache_dir()
    config = TRAIN_CONFIG
    if epochs is not None:
        config = replace(config, epochs=epochs)
    if threads is not None:
        config = replace(config, threads=threads)
    if seed is not None:
        config = replace(config, seed=seed)
    started = time.monotonic()
    rendered: list[str] = []

    def counting(stage: str) -> ProgressCallback:
        show = progress_for(stage)

        def progress(fraction: float) -> None:
            if stage not in rendered:
                rendered.append(stage)
            show(fraction)

        return progress

    train = build_dataset(TRAIN_SPEC, cache, progress=counting("rendering training clips"))
    validation = build_dataset(
        VALIDATION_SPEC, cache, progress=counting("rendering validation clips")
    )
    if leave_out is not None:
        train, validation = without_family(train, leave_out), without_family(validation, leave_out)
    data_minutes = (time.monotonic() - started) / 60.0
    generator, divergence, gan_notes = None, None, "No GAN augmentation."
    if gan:
        generator, divergence, gan_notes = _train_gan(train, validation, progress_for)
        config = replace(config, gan_patch_probability=GAN_PATCH_PROBABILITY)
    result = train_network(
        train, config, validation=validation, progress=progress_for("training"), generator=generator
    )
    minutes = (time.monotonic() - started) / 60.0
    last = result.history[-1]
    data_source = "rendered from scratch" if len(rendered) == 2 else "partly or wholly from cache"
    notes = (
        f"`pianoscope train` ({config.epochs} epochs, {config.threads} thread(s), seed "
        f"{config.seed}) took {minutes:.1f} min in all: {data_minutes:.1f} min for the data "
        f"({data_source}), {minutes - data_minutes:.1f} min training. Last epoch validation "
        f"accuracy: {', '.join(f'{k} {v:.3f}' for k, v in last.validation_accuracy.items())}. "
        + gan_notes
        + (f" Trained without the {leave_out} family." if leave_out else "")
    )
    save_training(result, config, out, notes=notes)
    return TrainingReport(out, minutes, tuple(result.history), divergence)


def _train_gan(
    train: Dataset, validation: Dataset, progress_for: StageProgress
) -> tuple[Generator, float, str]:
    """Train the recipe's GAN and measure its JS divergence on validation patches."""
    import numpy as np

    from pianoscope.model.training.gan import generate, js_divergence, random_patches, train_gan
    from pianoscope.model.training.recipe import GAN_CONFIG, GAN_PATCH_PROBABILITY

    generator = train_gan(train, GAN_CONFIG, progress=progress_for("training the GAN"))
    real, condition = random_patches(validation, 2000, np.random.default_rng(1))
    divergence = js_divergence(real.numpy(), generate(generator, condition))
    notes = (
        f"GAN augmentation: {GAN_CONFIG.steps} GAN steps, JS divergence {divergence:.3f} bits "
        f"(per-band histograms, validation patches), patches mixed into "
        f"{100 * GAN_PATCH_PROBABILITY:.0f} % of known windows."
    )
    return generator, divergence, notes


def evaluate_classifier(
    weights: Path | None,
    out: Path,
    progress_for: StageProgress,
    *,
    cache: Path | None = None,
    model_card: Path | None = None,
    compare: Sequence[tuple[str, Path]] = (),
    leave_one_out: Path | None = None,
) -> Evaluation:
    """Judge `weights` (default: the shipped ones) on the held-out set and under noise; write
    report.json and the confusion PNGs to `out`, and with `model_card` the model card, listing
    each of `compare` (name, weights) beside it. `leave_one_out`: a folder with
    `leave-out-FAMILY.pt` weights (from `train --leave-out`), each judged on its family."""
    from pianoscope.model.inference import Classifier
    from pianoscope.model.training.evaluate import (
        evaluate,
        product_rows,
        write_report,
    )
    from pianoscope.model.training.leave_one_out import centred_window_audio
    from pianoscope.model.training.model_card import Alternative
    from pianoscope.model.training.model_card import model_card as write_card
    from pianoscope.model.training.recipe import (
        DRY_HELDOUT_SPEC,
        HELDOUT_SPEC,
        default_cache_dir,
    )
    from pianoscope.model.training.robustness import measure_noise_robustness
    from pianoscope.model.training.synth import build_dataset
    from pianoscope.model.weights import load_weights
    from pianoscope.transcription.note_reading import with_note_reading

    weights = weights or shipped_weights_path()
    dataset = build_dataset(
        HELDOUT_SPEC,
        cache or default_cache_dir(),
        progress=progress_for("rendering held-out clips"),
    )
    classifier = Classifier(weights)
    noise = measure_noise_robustness(
        classifier, progress=progress_for("rendering clips for the noise test")
    )
    audio = centred_window_audio(
        HELDOUT_SPEC,
        rows=product_rows(dataset),
        progress=progress_for("rendering the held-out clips' audio"),
    )
    report = evaluate(
        classifier,
        dataset,
        noise,
        product_audio=audio,
        read_notes=with_note_reading,
        progress=progress_for("reading the held-out windows' notes"),
    )
    written = write_report(report, out)
    if model_card is not None:
        alternatives = tuple(
            Alternative(
                name,
                evaluate(Classifier(Path(path)), dataset),
                str(load_weights(Path(path)).metadata.get("notes", "")),
            )
            for name, path in compare
        )
        notes = str(load_weights(weights).metadata.get("notes", ""))
        dry = evaluate(
            classifier,
            build_dataset(
                DRY_HELDOUT_SPEC,
                cache or default_cache_dir(),
                progress=progress_for("rendering held-out clips without rooms"),
            ),
        )
        left_out = (
            judge_leave_one_out(leave_one_out, dataset, cache, progress_for)
            if leave_one_out is not None
            else ()
        )
        model_card.write_text(
            write_card(
                report,
                notes,
                alternatives,
                left_out,
                without_rooms=dry,
                pool_recipe=classifier.piano_threshold is not None,
            ),
            encoding="utf-8",
        )
        written.append(model_card)
    return Evaluation(report, noise, tuple(written))


def leave_one_out_weights(folder: Path, family: str) -> Path:
    """Where `train --leave-out FAMILY` weights are looked for by `evaluate --leave-one-out`."""
    return folder / f"leave-out-{family}.pt"


def leave_one_out_note_weights(folder: Path, family: str) -> Path:
    """Where the judge looks for a note network that never heard FAMILY (the intensity of a
    window it reads from the notes; the shipped note network when there is none)."""
    return folder / f"leave-out-{family}-notes.npz"


def judge_leave_one_out(
    folder: Path, others: Dataset, cache: Path | None, progress_for: StageProgress
) -> tuple[LeftOutReport, ...]:
    """Judge every `leave-out-FAMILY.pt` in `folder` on its family (families without weights
    are skipped) and on the other sounds of `others`; intensity read from the notes by
    `leave-out-FAMILY-notes.npz` when the folder has it, else by the shipped note network."""
    from pianoscope.model.inference import Classifier
    from pianoscope.model.training.leave_one_out import (
        centred_window_audio,
        judge_left_out,
        passage_calibrations,
        room_passage_calibrations,
    )
    from pianoscope.model.training.recipe import (
        LEFT_OUT_FAMILIES,
        default_cache_dir,
        left_out_spec,
    )
    from pianoscope.model.training.synth import build_dataset
    from pianoscope.transcription.intensity import calibrate_passages_with_notes
    from pianoscope.transcription.network import load_weights
    from pianoscope.transcription.note_reading import with_note_reading

    reports = []
    for family in LEFT_OUT_FAMILIES:
        path = leave_one_out_weights(folder, family)
        if not path.is_file():
            continue
        left_out = build_dataset(
            left_out_spec(family),
            cache or default_cache_dir(),
            progress=progress_for(f"rendering {family} clips"),
        )
        window_audio = centred_window_audio(
            left_out_spec(family), progress=progress_for(f"reading {family} clips' notes")
        )
        notes_path = leave_one_out_note_weights(folder, family)
        note_weights = load_weights(notes_path) if notes_path.is_file() else None
        calibrate = partial(calibrate_passages_with_notes, note_weights=note_weights)
        in_rooms = room_passage_calibrations(
            left_out_spec(family),
            calibrate,
            progress=progress_for(f"calibrating {family} in its clips' rooms"),
        )
        reports.append(
            judge_left_out(
                Classifier(path),
                family,
                left_out,
                others,
                passages=passage_calibrations(family, calibrate),
                window_audio=window_audio,
                read_notes=partial(with_note_reading, note_weights=note_weights),
                room_passages=in_rooms,
            )
        )
    return tuple(reports)
