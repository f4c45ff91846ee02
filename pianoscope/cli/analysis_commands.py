"""`pianoscope analyse` and `pianoscope spectrum`: offline analysis from the command line.

`analyse` labels the segments with the teacher's classifier, the one review and the library
use, so the command line names the same pianos; `--no-labels` skips it (and torch). The
analysis stack is imported inside the commands, so `pianoscope --help` does not load it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pianoscope.cli.numbers import RealNumber, WholeNumber
from pianoscope.cli.options import (
    add_calibration_options,
    add_no_labels_option,
    calibration_from_options,
)
from pianoscope.cli.outputs import add_force_option, refuse_overwriting
from pianoscope.cli.progress_line import ProgressLine
from pianoscope.dsp.windows import MAX_FFT_SIZE, MIN_FFT_SIZE, WINDOW_NAMES
from pianoscope.errors import PianoscopeError

if TYPE_CHECKING:  # the analysis stack is imported by the commands that run it
    from pianoscope.analysis.result import Analysis, SegmentLabeller
    from pianoscope.dsp.frame import FrameAnalysis
    from pianoscope.model.calibration import Calibration

SUMMARY_NOTES = 12
SUMMARY_RUNS = 12  # stretches of equal labels listed in the summary


def register(subparsers: argparse._SubParsersAction) -> None:
    analyse = subparsers.add_parser(
        "analyse", help="analyse a recording: notes, tempo, dynamics, segments"
    )
    analyse.add_argument("file", help="recording to analyse (WAV, FLAC, OGG, ...)")
    analyse.add_argument("--json", metavar="OUT", help="write the full analysis as JSON")
    analyse.add_argument(
        "--csv",
        metavar="OUT",
        help="write the notes as CSV to OUT and the 2 s segments to OUT's name + .segments.csv",
    )
    analyse.add_argument("--midi", metavar="OUT", help="write the notes as a MIDI file")
    add_no_labels_option(analyse)
    add_calibration_options(analyse)
    add_force_option(analyse)
    analyse.set_defaults(run=run_analyse)

    spectrum = subparsers.add_parser(
        "spectrum", help="corrected spectrum, partials and pitch of one moment of a recording"
    )
    spectrum.add_argument("file", help="recording to read")
    spectrum.add_argument(
        "--at",
        type=RealNumber("time in seconds", minimum=0.0),
        required=True,
        metavar="SECONDS",
        help="start of the window",
    )
    spectrum.add_argument(
        "--fft",
        type=WholeNumber("FFT size", minimum=MIN_FFT_SIZE, maximum=MAX_FFT_SIZE, power_of_two=True),
        default=8192,
        help=f"FFT size, a power of two from {MIN_FFT_SIZE} to {MAX_FFT_SIZE}",
    )
    spectrum.add_argument("--window", choices=WINDOW_NAMES, default="hann")
    spectrum.add_argument("--json", metavar="OUT", help="write the result as JSON")
    add_force_option(spectrum)
    spectrum.set_defaults(run=run_spectrum)


def run_analyse(args: argparse.Namespace) -> int:
    from pianoscope.app.export import export_analysis, segments_csv_path
    from pianoscope.app.review.opening import check_readable
    from pianoscope.app.take_analysis import analyse_take
    from pianoscope.app.take_calibration import take_calibration

    segments_csv = segments_csv_path(Path(args.csv)) if args.csv else None
    refuse_overwriting(
        [args.file], [args.json, args.csv, segments_csv, args.midi], force=args.force
    )
    check_readable(args.file)  # an unreadable file is reported before the classifier loads
    calibration = take_calibration(Path(args.file), override=calibration_from_options(args))
    labeller = None if args.no_labels else _labeller_or_warning(calibration)
    line = ProgressLine(sys.stderr)
    name = Path(args.file).name
    try:
        analysis = analyse_take(
            args.file,
            labeller=labeller,
            calibration=calibration,
            progress=lambda fraction: line.show(
                f"analysing {name}: {fraction:4.0%}", force=fraction >= 1.0
            ),
        )
    finally:
        line.close()
    for kind, out in (("json", args.json), ("csv", args.csv), ("midi", args.midi)):
        if out:
            export_analysis(analysis, kind, out)
    if not (args.json or args.csv or args.midi):
        print(analysis_summary(analysis, labelled=labeller is not None))
    return 0


def _labeller_or_warning(calibration: Calibration | None) -> SegmentLabeller | None:
    """The teacher's classifier reading through the take's `calibration`; when it cannot be
    loaded, one line on stderr and no labels (the rest of the analysis does not need it)."""
    from pianoscope.app.segment_labeller import load_user_labeller, take_labeller

    try:
        return take_labeller(load_user_labeller(), calibration)
    except PianoscopeError as error:
        print(f"pianoscope: warning: segments are not labelled: {error}", file=sys.stderr)
        return None


def run_spectrum(args: argparse.Namespace) -> int:
    from pianoscope.app.export import export_json
    from pianoscope.app.window_spectrum import analyse_window_at, spectrum_json

    refuse_overwriting([args.file], [args.json], force=args.force)
    frame = analyse_window_at(args.file, args.at, fft_size=args.fft, window_name=args.window)
    data = spectrum_json(frame, args.at)
    if args.json:
        export_json(data, args.json)
    else:
        print(spectrum_summary(frame, args.at))
    return 0


def analysis_summary(analysis: Analysis, *, labelled: bool) -> str:
    """A few readable lines about a take: the headline numbers, what the classifier heard
    (`labelled`: a classifier labelled the segments) and the first notes."""
    tempo = f"{analysis.tempo_bpm:.0f} BPM" if analysis.tempo_bpm else "no steady tempo"
    lines = [
        f"{Path(analysis.file).name}: {analysis.duration_s:.1f} s, {len(analysis.notes)} notes, "
        f"{tempo}, dynamic range {analysis.dynamic_range_db:.1f} dB",
    ]
    if labelled:
        lines += _label_lines(analysis)
    else:
        lines.append(f"{len(analysis.segments)} segments of 2 s, not labelled")
    for note in analysis.notes[:SUMMARY_NOTES]:
        lines.append(
            f"  {note.onset_s:8.3f} s  {note.name:<4} velocity {note.velocity:3d}  "
            f"({note.offset_s - note.onset_s:.2f} s, confidence {note.confidence:.2f})"
        )
    if len(analysis.notes) > SUMMARY_NOTES:
        lines.append(f"  ... {len(analysis.notes) - SUMMARY_NOTES} more (use --csv or --json)")
    return "\n".join(lines)


def _label_lines(analysis: Analysis) -> list[str]:
    """Each head's shares (the dominant label first), what intensity was read through, then the
    stretches of equal labels."""
    from pianoscope.analysis.label_runs import label_runs, run_text
    from pianoscope.analysis.result import LABEL_KEYS

    if not any(segment.labels is not None for segment in analysis.segments):
        return [f"{len(analysis.segments)} segments of 2 s, all silent"]
    lines = [f"{key}: {_shares(analysis.share(key))}" for key in LABEL_KEYS]
    lines += _calibration_lines(analysis)
    runs = label_runs(analysis.segments)
    for run in runs[:SUMMARY_RUNS]:
        lines.append(f"  {run.start_s:6.1f}-{run.end_s:6.1f} s  {run_text(run)}")
    if len(runs) > SUMMARY_RUNS:
        lines.append(f"  ... {len(runs) - SUMMARY_RUNS} more stretches (use --csv or --json)")
    return lines


def _calibration_lines(analysis: Analysis) -> list[str]:
    """What intensity was read through: without a calibration a hot microphone reads every
    stretch ff and a distant one pp, and the teacher should see why and how to fix it."""
    from pianoscope.model.calibration import Calibration

    if analysis.calibration is None:
        return []
    calibration = Calibration.from_json(analysis.calibration)
    if calibration.kind != "none":
        return [f"intensity {calibration.describe()}"]
    return [
        "intensity not calibrated: read against the training level, so a loud microphone "
        "reads louder playing (calibrate with --calibrate-from, --calibrate-passages or "
        "--calibrate-scale)"
    ]


def _shares(shares: dict[str, float]) -> str:
    return ", ".join(f"{label} {share:.0%}" for label, share in shares.items()) or "-"


def spectrum_summary(frame: FrameAnalysis, time_s: float) -> str:
    pitch = frame.pitch
    if pitch is None:
        return f"{time_s:.3f} s: no tone (level {frame.rms_db:.1f} dBFS)"
    lines = [
        f"{time_s:.3f} s: {pitch.note} {pitch.cents:+.1f} cents, f0 {pitch.f0_hz:.2f} Hz, "
        f"B {pitch.inharmonicity_b:.2e}, level {frame.rms_db:.1f} dBFS "
        f"({frame.a_weighted_db:.1f} dB(A))",
        "   n    freq Hz   amp dBFS   a1 Hz   T60 s   cents",
    ]
    for p in frame.note_partials:
        t60 = f"{p.t60_s:7.2f}" if p.t60_s is not None else "      -"
        lines.append(
            f"  {p.harmonic:2d} {p.freq_hz:10.2f} {p.amp_db:9.1f} {p.a1_hz:8.3f} {t60} "
            f"{p.cents_from_harmonic or 0.0:+7.1f}"
        )
    return "\n".join(lines)
