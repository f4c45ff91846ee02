"""`pianoscope devices` and `pianoscope record`: headless audio work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pianoscope.audio.live_input import DEFAULT_BLOCK_FRAMES, DEFAULT_SAMPLE_RATE_HZ
from pianoscope.cli.numbers import RealNumber, WholeNumber, positive_seconds
from pianoscope.cli.progress_line import ProgressLine
from pianoscope.errors import PianoscopeError

if TYPE_CHECKING:  # the audio stack is imported by the commands that run it
    from pianoscope.audio.source import AudioSource

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
    from pianoscope.audio.devices import list_input_devices

    devices = list_input_devices()
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
    from pianoscope.audio.recorder import JOURNAL_SUFFIX, find_interrupted, recover

    path: Path = args.path
    if path.name.endswith(JOURNAL_SUFFIX):
        path = path.with_name(path.name[: -len(JOURNAL_SUFFIX)])
    takes = find_interrupted(path) if path.is_dir() else [path]
    if path.is_dir() and not takes:
        print(f"Nothing to recover in {path}.")
        return 0
    failed = 0
    for take in takes:
        try:
            result = recover(take)
        except PianoscopeError as error:
            print(f"pianoscope: {error}", file=sys.stderr)
            failed += 1
            continue
        print(f"recovered {result.duration_s:.1f} s into {result.path}")
    return 1 if failed else 0


def run_record(args: argparse.Namespace) -> int:
    from pianoscope.app.recording import record_take
    from pianoscope.audio.file_source import FileSource
    from pianoscope.audio.live_input import LiveInput

    source: AudioSource
    if args.from_file:
        source = FileSource(args.from_file, speed=args.speed, block_frames=args.block)
    else:
        source = LiveInput(
            device=args.device,
            channel=None if args.channel is None else args.channel - 1,
            sample_rate_hz=args.rate,
            block_frames=args.block,
        )
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
