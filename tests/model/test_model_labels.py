from __future__ import annotations

import pytest

from pianoscope.model.labels import (
    INTENSITY_LABELS,
    intensity_index,
    velocity_range,
)


@pytest.mark.parametrize(
    ("velocity", "label"),
    [
        (20, "pp"),
        (39, "pp"),
        (40, "p"),
        (59, "p"),
        (60, "mf"),
        (84, "mf"),
        (85, "f"),
        (104, "f"),
        (105, "ff"),
        (127, "ff"),
    ],
)
def test_velocity_class_edges_follow_design(velocity: int, label: str) -> None:
    assert INTENSITY_LABELS[intensity_index(velocity)] == label


@pytest.mark.parametrize("velocity", [0, 19, 128])
def test_velocities_outside_the_classes_are_refused(velocity: int) -> None:
    with pytest.raises(ValueError):
        intensity_index(velocity)


def test_velocity_ranges_tile_20_to_127_without_gaps() -> None:
    covered = [v for label in INTENSITY_LABELS for v in range(*_inclusive(velocity_range(label)))]
    assert covered == list(range(20, 128))


def _inclusive(bounds: tuple[int, int]) -> tuple[int, int]:
    return bounds[0], bounds[1] + 1
