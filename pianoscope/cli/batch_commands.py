"""`pianoscope batch DIR --out OUT`: analyse a folder tree locally or on a Dask cluster."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pianoscope.cli.numbers import WholeNumber
from pianoscope.cli.options import (
    add_calibration_options,
    add_no_labels_option,
    calibration_from_options,
)
from pianoscope.cli.progress_line import ProgressLine

if TYPE_CHECKING:  # the analysis stack is imported by the command that runs it
    from pianoscope.app.batch import BatchItem

SCHEDULER_SCHEMES = ("tcp", "tls")


def register(subparsers: argparse._SubParsersAction) -> None:
    batch = subparsers.add_parser(
        "batch", help="analyse every recording in a folder tree (resumable, parallel)"
    )
    batch.add_argument("folder", help="folder searched recursively for recordings")
    batch.add_argument("--out", required=True, help="folder for the JSON results and summary.csv")
    batch.add_argument(
        "--workers",
        type=WholeNumber("number of workers", minimum=1),
        help="local processes (default and most: one per core)",
    )
    batch.add_argument(
        "--scheduler",
        type=scheduler_address,
        metavar="tcp://HOST:PORT",
        help="run on this Dask distributed cluster",
    )
    add_no_labels_option(batch)
    add_calibration_options(batch)
    batch.set_defaults(run=run_batch_command)


def scheduler_address(text: str) -> str:
    """argparse type: a Dask scheduler address, `tcp://HOST:PORT` (or `tls://`)."""
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        port = None
        parts = urlsplit("")
    if parts.scheme not in SCHEDULER_SCHEMES or not parts.hostname or port is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a scheduler address: give tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786"
        )
    return text


def run_batch_command(args: argparse.Namespace) -> int:
    from pianoscope.app.batch import run_batch, worker_count

    if args.workers is not None and args.scheduler is None:
        cores = os.cpu_count() or 1
        if worker_count(args.workers) < args.workers:
            print(
                f"pianoscope: this computer has {cores} cores; using {cores} workers, "
                f"not {args.workers}.",
                file=sys.stderr,
            )
    calibration = calibration_from_options(args)
    line = ProgressLine()
    failures = 0
    warned = False

    def show(done: int, total: int, item: BatchItem) -> None:
        nonlocal failures, warned
        if item.warning and not warned:  # every worker would say the same
            warned = True
            line.show(f"warning: segments are not labelled: {item.warning}", force=True)
            line.close()
        if item.status == "failed":
            failures += 1
            line.show(f"failed: {item.file}: {item.error}", force=True)
            line.close()
        line.show(f"Analysed {done}/{total} recordings ({failures} failed)", force=done == total)

    try:
        report = run_batch(
            args.folder,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=show,
            labels=not args.no_labels,
            calibration=calibration,
        )
    except KeyboardInterrupt:
        line.close()
        print(
            "pianoscope: batch interrupted; run the same command again to resume.", file=sys.stderr
        )
        return 130
    line.close()
    done = sum(1 for item in report.items if item.status == "done")
    skipped = sum(1 for item in report.items if item.status == "skipped")
    speed = report.audio_s / report.elapsed_s if report.elapsed_s else 0.0
    print(
        f"{done} analysed, {skipped} already done, {len(report.failed)} failed in "
        f"{report.elapsed_s:.1f} s ({speed:.0f}x real time). Summary: {report.summary_csv}"
    )
    return 1 if report.failed else 0
