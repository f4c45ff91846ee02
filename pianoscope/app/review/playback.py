"""Playing a take under review: the audio layer's player, as the review window uses it.

The window asks for playback here, not in `pianoscope.audio`, so the GUI depends only on the
use cases of `app/` (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

from pianoscope.audio.playback import MIN_SPEED, Player

__all__ = ["MIN_SPEED", "Player"]
