"""`pianoscope train` and `pianoscope evaluate`: train the classifier's recipe and judge weights.

The shipped resources/classifier.pt is today's recipe (the piano pool): `pianoscope train --out
resources/classifier.pt` rebuilds it: one torch thread, the same seeds, and both commands run
again in a child process with pinned numerics (`pianoscope.pinned_numerics`), so that the
renderings, weights and figures do not depend on the CPU's kernels.
`train` writes only where --out says, so a trial run never replaces the shipped weights by
accident.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from pianoscope.cli.numbers import WholeNumber
from pianoscope.cli.outputs import refuse_overwriting
from pianoscope.cli.progress_line import ProgressLine
from pianoscope.progress import ProgressCallback

MAX_EPOCHS = 10_000
MAX_THREADS = 1_024  # more threads than cores only slows torch down; this bound stops typos
# The families `train --leave-out` accepts (pianoscope.model.training.sources.LEAVE_ONE_OUT,
# spelled out so that --help loads no training code).
LEAVE_ONE_OUT = ("steinway-b", "timgm-grand", "musescore-grand")


def register(subparsers: Any) -> None:
    train = subparsers.add_parser(
        "train",
        help="render the training data and train the classifier from scratch",
        description="Render the training data with FluidSynth (cached), train the classifier "
        "on today's recipe (the piano pool) and save its weights to --out. The shipped "
        "resources/classifier.pt came from this recipe: --out resources/classifier.pt rebuilds "
        "it (then rebuild the pianos a one-piano enrolment is told apart from and the "
        "form-from-notes model beside it: README, The classifier).",
    )
    train.add_argument(
        "--out",
        type=Path,
        default=None,
        help="weights file to write (needed)",
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
        "--seed",
        type=WholeNumber("seed", minimum=0, maximum=2**31 - 1),
        default=None,
        help="override the recipe's training seed (another draw of the same recipe: how far "
        "two draws differ)",
    )
    train.add_argument(
        "--gan",
        action="store_true",
        help="also train the conditional GAN and mix its patches into training windows",
    )
    train.add_argument(
        "--leave-out",
        choices=LEAVE_ONE_OUT,
        default=None,
        help="train without this piano family, to measure it as a piano never heard "
        "(needs --out; evaluate --leave-one-out judges it)",
    )
    train.add_argument(
        "--data-only",
        action="store_true",
        help="only render (or find cached) every dataset of the recipe, then stop",
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
    evaluate.add_argument(
        "--leave-one-out",
        type=Path,
        default=None,
        metavar="FOLDER",
        help="folder of leave-out-FAMILY.pt weights (train --leave-out); their figures go "
        "into the model card",
    )
    evaluate.set_defaults(run=_run_evaluate)


def _run_train(args: argparse.Namespace) -> int:
    from pianoscope.app.training import prepare_training_data, train_classifier

    if args.data_only:
        if (status := _pinned_child(args)) is not None:
            return status
        line = _Progress()
        try:
            minutes = prepare_training_data(line.showing, cache=args.cache)
        finally:
            line.done()
        print(f"Training data ready after {minutes:.1f} min.")
        return 0
    if args.out is None:
        print(
            "pianoscope train: --leave-out needs --out (it never replaces the shipped model)"
            if args.leave_out is not None
            else "pianoscope train: --out is needed, so that a trial never replaces the shipped "
            "weights by accident (--out resources/classifier.pt rebuilds them)"
        )
        return 2
    refuse_overwriting([], [args.out], force=False)  # weights never replace a recording
    if (status := _pinned_child(args)) is not None:
        return status
    line = _Progress()
    try:
        report = train_classifier(
            args.out,
            line.showing,
            cache=args.cache,
            epochs=args.epochs,
            threads=args.threads,
            gan=args.gan,
            leave_out=args.leave_out,
            seed=args.seed,
        )
    finally:
        line.done()
    if report.gan_js_divergence_bits is not None:
        print(
            "GAN: JS divergence real vs generated validation patches "
            f"{report.gan_js_divergence_bits:.3f} bits"
        )
    size_kib = report.weights.stat().st_size / 1024
    print(f"Saved {report.weights} ({size_kib:.0f} KiB) after {report.minutes:.1f} min.")
    for record in report.history:
        print(
            f"epoch {record.epoch:2d} loss {record.loss:.3f} "
            + " ".join(f"{k} {v:.3f}" for k, v in record.validation_accuracy.items())
        )
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    from pianoscope.app.training import evaluate_classifier

    if (status := _pinned_child(args)) is not None:
        return status
    line = _Progress()
    try:
        evaluation = evaluate_classifier(
            args.weights,
            args.out,
            line.showing,
            cache=args.cache,
            model_card=args.model_card,
            compare=[(name, Path(path)) for name, path in args.compare],
            leave_one_out=args.leave_one_out,
        )
    finally:
        line.done()
    report, noise = evaluation.report, evaluation.noise
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
    print("\nWrote " + ", ".join(str(p) for p in evaluation.written))
    return 0


def _pinned_child(args: argparse.Namespace) -> int | None:
    """The command's exit status after running it again with pinned numerics, so that its
    renderings, weights and figures are the same on any machine (`pianoscope.pinned_numerics`);
    None in that child itself."""
    from pianoscope.pinned_numerics import run_pinned

    return run_pinned(["-m", "pianoscope", *args.command_line])


class _Progress:
    """Each stage's fraction on the shared one-line progress display, with ETA; a new stage
    ends the previous stage's line."""

    def __init__(self) -> None:
        self._line = ProgressLine()
        self._started = time.monotonic()
        self._stage: str | None = None

    def showing(self, what: str) -> ProgressCallback:
        """A progress callback that shows `what` with its percentage and time left."""

        def show(fraction: float) -> None:
            if what != self._stage:
                if self._stage is not None:
                    self.done()
                self._stage = what
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
