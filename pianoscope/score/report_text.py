"""The comparison as plain text: the headline, the per-bar table and every finding.

`compare-score` prints this; the lesson report and the review window show the same parts.
"""

from __future__ import annotations

from pianoscope.score.comparison import ScoreComparison
from pianoscope.score.findings import BarResult

TABLE_HEADER = "  bar  notes wrong missed extra    BPM  tempo  dynamic   articulation"


def comparison_text(comparison: ScoreComparison, take_name: str) -> str:
    """Lines for a terminal: a summary line, the three sentences, the bars, the findings."""
    played = sum(note.status == "played" for note in comparison.notes)
    tempo = f", {comparison.played_bpm:.0f} BPM" if comparison.played_bpm else ""
    marked = f" (marked {comparison.marked_bpm:.0f})" if comparison.marked_bpm else ""
    lines = [
        f"{take_name} against {comparison.score_title}: {played} of {len(comparison.notes)} "
        f"notes played ({comparison.played_share:.0%}){tempo}{marked}",
        "",
        "First:",
        *(f"  {number}. {sentence}" for number, sentence in enumerate(comparison.headline, 1)),
        "",
        TABLE_HEADER,
        *(bar_row(bar) for bar in comparison.bars),
    ]
    if comparison.findings:
        lines += ["", "Everything found:", *(f"  {f.text}" for f in comparison.findings)]
    return "\n".join(lines)


def bar_row(bar: BarResult) -> str:
    """One line of the per-bar table; a dash where nothing was measured or marked."""
    bpm = f"{bar.bpm:6.1f}" if bar.bpm is not None else "     -"
    ratio = f"{bar.tempo_ratio:5.2f}" if bar.tempo_ratio is not None else "    -"
    dynamic = f"{bar.marked_dynamic or '-'}/{bar.played_dynamic or '-'}"
    articulation = f"{bar.marked_articulation or '-'}/{bar.played_articulation or '-'}"
    return (
        f"  {bar.number:3d}  {bar.written_notes:5d} {bar.wrong_notes:5d} {bar.missed_notes:6d} "
        f"{bar.extra_notes:5d} {bpm}  {ratio}  {dynamic:<9} {articulation}"
    )
