"""The one-line readout under the mouse on the review timeline: what the analysis says there."""

from __future__ import annotations

from pianoscope.analysis.label_runs import segment_text
from pianoscope.analysis.result import Analysis
from pianoscope.app.review.lesson_report import format_time

MAX_NOTES = 6


def readout_at(analysis: Analysis | None, time_s: float) -> str:
    """Time, A-weighted level, the segment's labels and the notes sounding at `time_s`."""
    parts = [f"{format_time(time_s)} ({time_s:.3f} s)"]
    if analysis is None:
        return parts[0]
    loudness = analysis.loudness
    frame = int(time_s / loudness.frame_s)
    if 0 <= frame < loudness.a_weighted_db.size:
        parts.append(f"{float(loudness.a_weighted_db[frame]):.1f} dB(A)")
    for segment in analysis.segments:
        if segment.start_s <= time_s < segment.end_s:
            if segment.labels is None:
                parts.append("not classified or silent")
            else:
                parts.append(segment_text(segment, " / "))
            break
    sounding = [n for n in analysis.notes if n.onset_s <= time_s < n.offset_s]
    if sounding:
        names = [n.name for n in sorted(sounding, key=lambda n: n.midi)]
        extra = f" +{len(names) - MAX_NOTES}" if len(names) > MAX_NOTES else ""
        parts.append("notes " + " ".join(names[:MAX_NOTES]) + extra)
    return "   ".join(parts)
