"""Writing analysis results to files: notes and segments as CSV, JSON, MIDI.

The review window's export and the command line's `--json/--csv/--midi` both write through
here, so a take exported from either is the same file. From the review window the JSON also
carries the take's comments, so a teacher's notes travel with the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pianoscope.analysis.export import write_csv, write_json, write_midi
from pianoscope.analysis.result import Analysis
from pianoscope.library.comment_sidecar import Comment

EXPORT_KINDS = ("csv", "json", "midi")


def export_analysis(
    analysis: Analysis,
    kind: str,
    path: str | Path,
    comments: Sequence[Comment] | None = None,
) -> None:
    """Write `analysis` as `kind` to `path`: CSV also writes the segments beside it
    (`segments_csv_path`); JSON is the `pianoscope analyse` contract, with a `comments` list
    when `comments` are given."""
    path = Path(path)
    if kind == "csv":
        write_csv(analysis, path)
        write_csv(analysis, segments_csv_path(path), segments=True)
    elif kind == "json":
        data = analysis.to_json_dict()
        if comments is not None:
            data["comments"] = [{"time_s": round(c.time_s, 3), "text": c.text} for c in comments]
        write_json(data, path)
    elif kind == "midi":
        write_midi(analysis, path)
    else:
        raise ValueError(f"unknown export kind {kind!r}; one of {', '.join(EXPORT_KINDS)}")


def segments_csv_path(notes_csv: Path) -> Path:
    """Where the segments go beside a notes CSV: `take.csv` -> `take.segments.csv`."""
    return notes_csv.with_name(notes_csv.stem + ".segments.csv")


def export_json(document: dict[str, Any], path: str | Path) -> None:
    """Write one of the JSON contracts (a spectrum, a score comparison) to `path`."""
    write_json(document, path)
