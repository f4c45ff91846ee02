"""`pianoscope devices` and `pianoscope record`: headless audio work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pianoscope.app.live.session import DEFAULT_BLOCK_FRAMES, DEFAULT_SAMPLE_RATE_HZ
from pianoscope.cli.numbers import RealNumber, WholeNumber, positive_seconds
from pianoscope.cli.options import add_calibration_options, calibration_from_options
from pianoscope.cli.progress_line import ProgressLine

MIN_BLOCK_FRAMES = 16
MAX_BLOCK_FRAMES = 65_536
MAX_CHANNEL = 256
MIN_SPEED = 0.01
# What sound cards record at (telephone quality to the fastest studio interfaces).
MIN_RECORD_RATE_HZ = 8_000
MAX_RECORD_RATE_HZ = 384_000


def register(subparsers: argparse._SubParsersAction) -> None:
    devices = subparsers.add_parser("devices", help="list sound inputs")
    devices.set_defaults(run=run_devices)

    record = subparsers.add_parser("record", help="record a take without the window")
    record.add_argument("out", help="file to write: .flac (default choice) or .wav")
    record.add_argument(
        "--seconds", type=positive_seconds, required=True, help="length of the take"
    )
    record.add_argument("--device", help="input device number or name (default: system input)")
    record.add_argument(
        "--channel",
        type=WholeNumber("channel number", minimum=1, maximum=MAX_CHANNEL),
        help="record only this channel (1-based)",
    )
    record.add_argument(
        "--rate",
        type=WholeNumber(
            "sample rate in Hz", minimum=MIN_RECORD_RATE_HZ, maximum=MAX_RECORD_RATE_HZ
        ),
        default=DEFAULT_SAMPLE_RATE_HZ,
        help="sample rate, Hz",
    )
    record.add_argument(
        "--block",
        type=WholeNumber("block size", minimum=MIN_BLOCK_FRAMES, maximum=MAX_BLOCK_FRAMES),
        default=DEFAULT_BLOCK_FRAMES,
        help=f"block size, frames ({MIN_BLOCK_FRAMES}-{MAX_BLOCK_FRAMES})",
    )
    record.add_argument("--student", help="student's name, kept with the recording")
    record.add_argument("--piece", help="piece's title, kept with the recording")
    record.add_argument(
        "--from-file", help="play this recording as the input instead of a microphone"
    )
    record.add_argument(
        "--speed",
        type=RealNumber("playback speed", minimum=MIN_SPEED, infinity=True),
        default=1.0,
        help="with --from-file: playback speed (inf: unpaced)",
    )
    add_calibration_options(
        record,
        "default: none. Kept with the take, so every later analysis reads its intensity with it",
    )
    record.set_defaults(run=run_record)

    recover_parser = subparsers.add_parser(
        "recover", help="finish takes that a crash or power cut interrupted"
    )
    recover_parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=Path(),
        help="an interrupted take (e.g. t.flac), or a folder to search (default: this folder)",
    )
    recover_parser.set_defaults(run=run_recover)


def run_devices(_args: argparse.Namespace) -> int:
    from pianoscope.app.live.session import input_devices

    devices = input_devices()
    if not devices:
        print("No sound inputs found.")
        return 1
    for device in devices:
        print(
            f"{device.index:>3}  {device.name}  ({device.host_api}, "
            f"{device.max_input_channels} ch, {device.default_sample_rate_hz:.0f} Hz)"
        )
    return 0


def run_recover(args: argparse.Namespace) -> int:
    """Finish every interrupted take at or under `path`; a take that cannot be is reported."""
    from pianoscope.app.live.recovery import interrupted_takes_at, recover_takes

    takes = interrupted_takes_at(args.path)
    if not takes:
        print(f"Nothing to recover in {args.path}.")
        return 0
    recovery = recover_takes(takes)
    for result in recovery.recovered:
        print(f"recovered {result.duration_s:.1f} s into {result.path}")
    for problem in recovery.problems:
        print(f"pianoscope: {problem}", file=sys.stderr)
    return 1 if recovery.problems else 0


def run_record(args: argparse.Namespace) -> int:
    from pianoscope.app.live.session import InputChoice, open_source
    from pianoscope.app.recording import record_take

    calibration = calibration_from_options(args)  # measured first: a bad one records nothing
    if args.from_file:
        choice = InputChoice(
            file=Path(args.from_file), loop=False, speed=args.speed, block_frames=args.block
        )
    else:
        choice = InputChoice(
            device=args.device,
            channel=None if args.channel is None else args.channel - 1,
            sample_rate_hz=args.rate,
            block_frames=args.block,
        )
    source = open_source(choice)
    line = ProgressLine()

    def show(fraction: float) -> None:
        line.show(f"Recording {fraction * args.seconds:6.1f} / {args.seconds:.1f} s")

    try:
        report = record_take(
            source,
            args.out,
            seconds=args.seconds,
            student=args.student,
            piece=args.piece,
            calibration=calibration,
            progress=show,
        )
    finally:
        line.close()
    recording = report.recording
    if recording.path is None:
        print(f"pianoscope: nothing was recorded. {report.problem or ''}".strip(), file=sys.stderr)
        return 2
    print(
        f"Saved {recording.duration_s:.1f} s to {recording.path} "
        f"({report.device}, {report.sample_rate_hz} Hz, {report.overflow_count} overflows)"
    )
    if report.problem:
        print(f"pianoscope: {report.problem}", file=sys.stderr)
        return 2
    if report.source_ended:
        print(
            f"pianoscope: the input ended after {recording.duration_s:.1f} s, "
            f"before the {args.seconds:g} s asked for; the take holds all of it.",
            file=sys.stderr,
        )
    return 0
