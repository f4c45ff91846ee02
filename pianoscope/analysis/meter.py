"""The meter a teacher gives for a comparison in bars, and the clock-time fallback.

Kept apart from `analysis.bars` (which tracks beats with numpy and scipy) so that the command
line can show these defaults in its help without loading the DSP stack.
"""

from __future__ import annotations

from dataclasses import dataclass

CLOCK_SECTION_S = 8.0
"""Length of a compared section, in seconds of the reference, when it has no steady beat."""


@dataclass(frozen=True)
class Meter:
    """Beats per bar, bars per compared section, and beats before bar 1 (an upbeat)."""

    beats_per_bar: int = 4
    bars_per_section: int = 4
    upbeat_beats: int = 0

    def __post_init__(self) -> None:
        if self.beats_per_bar < 1 or self.bars_per_section < 1 or self.upbeat_beats < 0:
            raise ValueError(f"not a meter: {self}")
