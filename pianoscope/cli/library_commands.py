"""`pianoscope library ...` and `pianoscope compare`: the library from the command line
(`library score` keeps a piece's score, `library compare-score` compares a take with it).

Like every `cli/*_commands` module, it imports the analysis stack (numpy, scipy, torch) only
inside the commands that use it, so `pianoscope --help` and `--version` answer at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pianoscope.analysis.meter import CLOCK_SECTION_S, Meter
from pianoscope.cli.numbers import BARS_PER_SECTION, BEATS_PER_BAR, SECTION_SECONDS, UPBEAT_BEATS
from pianoscope.cli.options import add_no_labels_option
from pianoscope.cli.progress_line import ProgressLine
from pianoscope.cli.score_commands import print_comparison, with_progress_line
from pianoscope.errors import LibraryError
from pianoscope.library.records import Piece, Recording, Student
from pianoscope.library.store import Library, default_library_folder
from pianoscope.progress import ProgressCallback


def register(subparsers: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--library",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"library folder (default: {default_library_folder()})",
    )
    library = subparsers.add_parser(
        "library", help="the teacher's library: import, list, back up, restore takes"
    )
    commands = library.add_subparsers(dest="library_command", metavar="ACTION", required=True)

    add = commands.add_parser("import", parents=[common], help="copy a recording or a folder in")
    add.add_argument("path", type=Path, help="a recording, or a folder of recordings")
    add.add_argument("--student", help="file under this student (default: from the sidecar)")
    add.add_argument("--piece", help="file under this piece (default: from the sidecar)")
    add.set_defaults(run=run_import)

    listing = commands.add_parser("list", parents=[common], help="list the takes in the library")
    listing.add_argument("--student", help="only this student's takes")
    listing.add_argument("--piece", help="only takes of this piece")
    listing.add_argument("--search", metavar="TEXT", help="names, titles and comments with TEXT")
    listing.add_argument("--trash", action="store_true", help="list the takes in the trash")
    listing.set_defaults(run=run_list)

    delete = commands.add_parser("delete", parents=[common], help="move a take to the trash")
    delete.add_argument("id", type=int, help="the take's number, as `library list` shows it")
    delete.set_defaults(run=run_delete)

    undelete = commands.add_parser(
        "restore-take",
        aliases=["undelete"],
        parents=[common],
        help="bring a deleted take back from the trash",
    )
    undelete.add_argument("id", type=int, help="the take's number, as `library list --trash` shows")
    undelete.set_defaults(run=run_restore_take)

    analyse = commands.add_parser(
        "analyse", parents=[common], help="analyse the takes not analysed yet (for progress)"
    )
    add_no_labels_option(
        analyse, "skip piano, form and intensity labels (faster; progress then lacks their shares)"
    )
    analyse.set_defaults(run=run_analyse)

    report = commands.add_parser(
        "progress", parents=[common], help="a student's tempo, dynamics and practice over time"
    )
    report.add_argument("--student", required=True)
    report.add_argument("--piece", help="only this piece")
    report.set_defaults(run=run_progress)

    save = commands.add_parser("backup", parents=[common], help="the whole library as one zip")
    save.add_argument("out", type=Path, metavar="OUT.zip")
    save.set_defaults(run=run_backup)

    load = commands.add_parser(
        "restore", parents=[common], help="replace the library by a backup (the old one is kept)"
    )
    load.add_argument("zip", type=Path, metavar="IN.zip")
    load.set_defaults(run=run_restore)

    score = commands.add_parser(
        "score", parents=[common], help="keep a piece's score (MusicXML, MEI or MIDI) for its takes"
    )
    score.add_argument("piece", help="the piece (created if new)")
    score.add_argument("file", type=Path, help="the score file")
    score.set_defaults(run=run_score)

    versus = commands.add_parser(
        "compare-score",
        parents=[common],
        help="compare a take with the score kept for its piece (as `pianoscope compare-score`)",
    )
    versus.add_argument("id", type=int, help="the take's number, as `library list` shows it")
    versus.add_argument("--json", metavar="OUT", help="also write the comparison as JSON")
    versus.set_defaults(run=run_compare_score)

    compare = subparsers.add_parser(
        "compare", help="compare a take with a reference: tempo per group of bars, dynamics"
    )
    compare.add_argument("reference", type=Path, help="the reference take (e.g. the teacher's)")
    compare.add_argument("take", type=Path, help="the take to compare with it")
    compare.add_argument(
        "--beats-per-bar",
        type=BEATS_PER_BAR,
        default=Meter.beats_per_bar,
        metavar="N",
        help=f"the reference's meter (default {Meter.beats_per_bar})",
    )
    compare.add_argument(
        "--bars-per-section",
        type=BARS_PER_SECTION,
        default=Meter.bars_per_section,
        metavar="N",
        help=f"bars compared together (default {Meter.bars_per_section})",
    )
    compare.add_argument(
        "--upbeat",
        type=UPBEAT_BEATS,
        default=Meter.upbeat_beats,
        metavar="BEATS",
        help="beats before bar 1, if the piece starts with an upbeat (default 0)",
    )
    compare.add_argument(
        "--section",
        type=SECTION_SECONDS,
        default=CLOCK_SECTION_S,
        metavar="SECONDS",
        help="section length when the reference has no steady beat to count bars by",
    )
    compare.set_defaults(run=run_compare)


def run_import(args: argparse.Namespace) -> int:
    from pianoscope.app.library.manage import import_recordings

    with Library.open(args.library) as library:
        result = import_recordings(library, args.path, student=args.student, piece=args.piece)
    for item in result.imported:
        print(_imported_line(item.recording, item.duplicate))
    for path, reason in result.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    return 1 if result.skipped else 0


def run_list(args: argparse.Namespace) -> int:
    with Library.open(args.library) as library:
        if args.trash:
            recordings = library.recordings(trashed=True)
        elif args.search is not None:
            recordings = library.search(args.search)
        else:
            recordings = library.recordings()
        for recording in recordings:
            if args.student and (recording.student or "").casefold() != args.student.casefold():
                continue
            if args.piece and (recording.piece or "").casefold() != args.piece.casefold():
                continue
            print(_recording_line(recording))
    return 0


def run_score(args: argparse.Namespace) -> int:
    from pianoscope.app.library.scores import attach_score

    with Library.open(args.library) as library:
        stored = attach_score(library, args.piece, args.file)
        print(f"{args.piece}: score {stored.file_name} kept ({len(stored.content)} bytes)")
    return 0


def run_compare_score(args: argparse.Namespace) -> int:
    from pianoscope.app.library.scores import compare_with_piece_score

    with Library.open(args.library) as library:
        recording = library.recording(args.id)
        comparison = with_progress_line(
            f"comparing take {args.id} with the score of {recording.piece}",
            lambda progress: compare_with_piece_score(library, args.id, progress=progress),
        )
    print_comparison(comparison, Path(recording.path).name, args.json)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from pianoscope.app.library.manage import trash_take

    with Library.open(args.library) as library:
        recording = trash_take(library, args.id)
        print(f"moved to the trash: {_recording_line(recording)}")
    return 0


def run_restore_take(args: argparse.Namespace) -> int:
    from pianoscope.app.library.manage import restore_take

    with Library.open(args.library) as library:
        recording = restore_take(library, args.id)
        print(f"back from the trash: {_recording_line(recording)}")
    return 0


def run_analyse(args: argparse.Namespace) -> int:
    from pianoscope.app.library.analysis import analyse_pending, not_analysed
    from pianoscope.app.segment_labeller import user_labeller

    with Library.open(args.library) as library:
        labeller = None if args.no_labels or not not_analysed(library) else user_labeller()
        line = ProgressLine(sys.stderr)

        def progress_for(index: int, count: int, recording: Recording) -> ProgressCallback:
            name = Path(recording.path).name
            return lambda f: line.show(f"analysing {index}/{count} {name}: {f:4.0%}", force=f >= 1)

        try:
            result = analyse_pending(library, labeller=labeller, progress_for=progress_for)
        finally:
            line.close()
        for skipped in result.skipped:
            take = f"{skipped.recording.id} ({Path(skipped.recording.path).name})"
            print(f"skipped take {take}: {skipped.reason}", file=sys.stderr)
        print(f"analysed {len(result.analysed)} take(s)")
    return 1 if result.skipped else 0


def run_progress(args: argparse.Namespace) -> int:
    from pianoscope.app.library.manage import progress_series

    with Library.open(args.library) as library:
        student = _student(library, args.student)
        piece = _piece(library, args.piece) if args.piece else None
        series = progress_series(library, student.id, piece.id if piece else None)
        print("date        tempo_bpm  dynamic_range_db  notes")
        for point in series.points:
            tempo = f"{point.tempo_bpm:9.1f}" if point.tempo_bpm is not None else "        -"
            day = point.recorded_at.astimezone().date()
            print(f"{day}  {tempo}  {point.dynamic_range_db:16.1f}  {point.note_count:5d}")
        print(f"practice: {series.total_practice_minutes:.1f} min on {len(series.practice)} day(s)")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    from pianoscope.app.library.manage import back_up_library

    with Library.open(args.library) as library:
        info = back_up_library(library, args.out)
    print(f"backed up {info.files} file(s), {info.total_bytes / 1e6:.1f} MB, to {info.path}")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from pianoscope.app.library.manage import restore_library

    result = restore_library(args.zip, args.library)
    print(f"restored {result.files} file(s) into {result.root}")
    if result.previous is not None:
        print(f"the library as it was before is kept in {result.previous}")
    return 0


def run_compare(args: argparse.Namespace) -> int:
    from pianoscope.app.library.compare import compare_files

    meter = Meter(args.beats_per_bar, args.bars_per_section, args.upbeat)
    comparison = compare_files(args.reference, args.take, meter=meter, section_s=args.section)
    for sentence in comparison.summary:
        print(sentence)
    print()
    print("bars         reference      take           tempo  level")
    for section in comparison.sections:
        print(
            f"{section.bars or '-':11s}  "
            f"{section.reference_start_s:5.1f}-{section.reference_end_s:5.1f} s  "
            f"{section.take_start_s:5.1f}-{section.take_end_s:5.1f} s  "
            f"{section.tempo_ratio:5.2f}x  {section.level_difference_db:+5.1f} dB"
        )
    return 0


def _student(library: Library, name: str) -> Student:
    for student in library.students():
        if student.name.casefold() == name.casefold():
            return student
    raise LibraryError(f"There is no student called {name!r} in the library.")


def _piece(library: Library, title: str) -> Piece:
    for piece in library.pieces():
        if piece.title.casefold() == title.casefold():
            return piece
    raise LibraryError(f"There is no piece called {title!r} in the library.")


def _imported_line(recording: Recording, duplicate: bool) -> str:
    if duplicate and recording.trashed_at is not None:
        return (
            f"already in the library, in the trash: {_recording_line(recording)}\n"
            f"  bring it back with: pianoscope library restore-take {recording.id}"
        )
    prefix = "already in the library" if duplicate else "imported"
    return f"{prefix}: {_recording_line(recording)}"


def _recording_line(recording: Recording) -> str:
    day = recording.recorded_at.astimezone().strftime("%Y-%m-%d %H:%M")
    who = f"{recording.student or '-'} / {recording.piece or '-'}"
    title = f' "{recording.title}"' if recording.title else ""
    return (
        f"{recording.id:5d}  {day}  {recording.duration_s:7.1f} s  {who}{title}  {recording.path}"
    )
