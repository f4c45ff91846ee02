"""Exporting a reviewed take's analysis: notes and segments as CSV, JSON with comments, MIDI.

The JSON is the `pianoscope analyse` contract plus the take's comments, so a teacher's notes
travel with the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pianoscope.analysis.export import write_csv, write_json, write_midi
from pianoscope.analysis.result import Analysis
from pianoscope.library.comment_sidecar import Comment

EXPORT_KINDS = ("csv", "json", "midi")


def export_analysis(
    analysis: Analysis, kind: str, path: str | Path, comments: Sequence[Comment] = ()
) -> None:
    """Write `analysis` as `kind` to `path` (CSV also writes the segments beside it)."""
    path = Path(path)
    if kind == "csv":
        write_csv(analysis, path)
        write_csv(analysis, path.with_name(path.stem + ".segments.csv"), segments=True)
    elif kind == "json":
        data = analysis.to_json_dict()
        data["comments"] = [{"time_s": round(c.time_s, 3), "text": c.text} for c in comments]
        write_json(data, path)
    elif kind == "midi":
        write_midi(analysis, path)
    else:
        raise ValueError(f"unknown export kind {kind!r}; one of {', '.join(EXPORT_KINDS)}")
