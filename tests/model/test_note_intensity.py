import numpy as np
import pytest

from pianoscope.model.calibration import PASSAGE_VELOCITIES, calibrate_passages
from pianoscope.model.note_intensity import (
    PassageVelocities,
    PassageVelocityError,
    intensity_from_velocities,
    read_passage_velocities,
)
from pianoscope.model.training.passage_reference import passage_phrases
from pianoscope.model.training.sources import STEINWAY, SampledPiano
from pianoscope.model.training.synth import render_at_convention


def test_the_passages_read_velocities_map_onto_those_they_were_played_at() -> None:
    passages = PassageVelocities((33.0, 48.0, 65.0))
    assert [passages.map(v) for v in passages.read] == pytest.approx(PASSAGE_VELOCITIES)
    # beyond the passages the end segments go on: 15 below the soft passage's reading is
    # 15 x (72 - 50) / (48 - 33) = 22 below its velocity
    assert passages.map(18.0) == pytest.approx(50.0 - 22.0)
    assert passages.map(80.0) == pytest.approx(95.0 + 15.0 * (95.0 - 72.0) / (65.0 - 48.0))


@pytest.mark.parametrize("read", [(40.0, 40.0, 60.0), (50.0, 45.0, 70.0), (30.0, 50.0, np.nan)])
def test_passages_that_do_not_get_louder_are_refused_with_a_reason(read: tuple) -> None:
    with pytest.raises(PassageVelocityError, match="softer to louder"):
        PassageVelocities(read)


def test_a_window_is_as_loud_as_the_median_of_its_notes() -> None:
    # a forte melody note over a soft accompaniment: the accompaniment sets the class
    reading = intensity_from_velocities([45, 50, 52, 110])
    assert reading is not None
    assert reading.label == "p"
    assert reading.agreement == pytest.approx(0.75)
    assert intensity_from_velocities([]) is None


def test_the_passage_map_moves_a_piano_that_reads_soft_to_its_played_dynamics() -> None:
    reads_soft = PassageVelocities((33.0, 48.0, 65.0))
    assert intensity_from_velocities([48, 50, 47]).label == "p"
    assert intensity_from_velocities([48, 50, 47], reads_soft).label == "mf"
    assert intensity_from_velocities([66, 64], reads_soft).label == "f"


@pytest.fixture(scope="module")
def steinway_passages() -> list[np.ndarray]:
    return render_at_convention(SampledPiano(STEINWAY), passage_phrases())


def test_the_note_network_reads_a_real_pianos_passages_softer_to_louder(
    steinway_passages: list[np.ndarray],
) -> None:
    soft, medium, loud = steinway_passages
    read = read_passage_velocities(soft, medium, loud, calibrate_passages(soft, medium, loud))
    assert read.read[0] + 5 < read.read[1] < read.read[2] - 5


def test_a_silent_passage_is_refused_with_a_reason(steinway_passages: list[np.ndarray]) -> None:
    soft, medium, loud = steinway_passages
    with pytest.raises(PassageVelocityError, match="No notes were heard in the soft passage"):
        read_passage_velocities(np.zeros_like(soft), medium, loud, None)
