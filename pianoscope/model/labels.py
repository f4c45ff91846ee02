"""The label sets of the heads (the model contract of DESIGN.md) and velocity classes."""

from __future__ import annotations

import bisect

PIANO_LABELS: tuple[str, ...] = (
    "grand-fluidr3",
    "grand-musescore",
    "grand-timgm",
    "honkytonk-fluidr3",
)
UNKNOWN = "unknown"  # a piano plays, but none of the known (shipped or enrolled) pianos
# Is a piano playing at all? The network answers piano or other (another instrument, speech,
# noise); silence is decided from the playing level, before the network is asked.
PIANO = "piano"
OTHER = "other"
SILENCE = "silence"
INSTRUMENT_LABELS: tuple[str, ...] = (PIANO, OTHER)
# What a one-piano enrolment calls every piano but the teacher's, where people read it (the
# probability bars, the live panel); analyses keep `unknown` as its label (DESIGN.md).
ANOTHER_PIANO = "another piano"
FORM_LABELS: tuple[str, ...] = ("legato", "staccato", "chords", "arpeggio")
INTENSITY_LABELS: tuple[str, ...] = ("pp", "p", "mf", "f", "ff")

# Half-open MIDI velocity ranges [low, high) of each intensity class; ff includes 127.
INTENSITY_VELOCITIES: dict[str, tuple[int, int]] = {
    "pp": (20, 40),
    "p": (40, 60),
    "mf": (60, 85),
    "f": (85, 105),
    "ff": (105, 128),
}
_LOWER_BOUNDS = [INTENSITY_VELOCITIES[label][0] for label in INTENSITY_LABELS]

# Index used in label arrays for "no label": the form and intensity of a non-piano clip.
IGNORE_INDEX = -100


def intensity_index(velocity: int) -> int:
    """Intensity class index of a MIDI velocity in [20, 127]; raises ValueError outside."""
    if not INTENSITY_VELOCITIES["pp"][0] <= velocity <= 127:
        raise ValueError(f"velocity {velocity} is outside the intensity classes [20, 127]")
    return bisect.bisect_right(_LOWER_BOUNDS, velocity) - 1


def velocity_range(intensity: str) -> tuple[int, int]:
    """Inclusive (lowest, highest) velocity of an intensity class."""
    low, high = INTENSITY_VELOCITIES[intensity]
    return low, high - 1
