import numpy as np
import pytest

from pianoscope.model.calibration import (
    PASSAGE_VELOCITIES,
    Calibration,
    CalibrationValueError,
    calibrate_passages,
)
from pianoscope.model.labels import INTENSITY_LABELS
from pianoscope.model.training.passage_reference import passage_phrases
from pianoscope.model.training.sources import STEINWAY, SampledPiano
from pianoscope.model.training.synth import render_at_convention
from pianoscope.transcription.intensity import (
    PassageVelocities,
    PassageVelocityError,
    calibrate_passages_with_notes,
    intensity_from_velocities,
    passage_velocities,
    read_passage_velocities,
    window_note_intensity,
)


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


def test_a_window_is_as_loud_as_most_of_its_notes() -> None:
    # a forte melody note over a soft accompaniment: the accompaniment sets the class
    reading = intensity_from_velocities([45, 50, 52, 110])
    assert reading is not None
    assert reading.label == "p"
    assert sum(reading.probabilities) == pytest.approx(1.0)
    assert 0.5 < reading.probabilities[INTENSITY_LABELS.index("p")] < 0.75
    assert intensity_from_velocities([]) is None


def test_readings_beyond_the_velocity_scale_are_its_end_classes() -> None:
    assert intensity_from_velocities([-5.0]).label == "pp"
    assert intensity_from_velocities([150.0]).label == "ff"


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


def test_passages_that_read_nearly_alike_are_refused_with_a_reason(
    steinway_passages: list[np.ndarray],
) -> None:
    """The loud passage only 1 dB above the medium one reads about 3 velocity steps louder:
    mapped through that, a note read 3 steps above the medium passage would be ff."""
    soft, medium, _ = steinway_passages
    barely_louder = (medium * 10.0 ** (1.0 / 20.0)).astype(np.float32)
    with pytest.raises(PassageVelocityError, match="read too close together"):
        read_passage_velocities(soft, medium, barely_louder, None)


def test_a_silent_passage_is_refused_with_a_reason(steinway_passages: list[np.ndarray]) -> None:
    soft, medium, loud = steinway_passages
    with pytest.raises(PassageVelocityError, match="no notes were heard in the soft passage"):
        read_passage_velocities(np.zeros_like(soft), medium, loud, None)


def test_the_three_passage_calibration_keeps_its_note_velocities_with_the_take(
    steinway_passages: list[np.ndarray],
) -> None:
    calibration = calibrate_passages_with_notes(*steinway_passages)
    levels_only = calibrate_passages(*steinway_passages)
    assert calibration.passages.levels_db == levels_only.passages.levels_db
    assert levels_only.passages.note_velocities is None
    soft, medium, loud = calibration.passages.note_velocities
    assert soft < medium < loud
    stored = Calibration.from_json(calibration.to_json())
    assert stored == calibration
    assert passage_velocities(stored) == PassageVelocities(calibration.passages.note_velocities)
    # a calibration stored before the velocities were measured still reads, without a map
    older = calibration.to_json()
    del older["note_velocities"]
    assert passage_velocities(Calibration.from_json(older)) is None
    assert passage_velocities(Calibration(-4.0)) is None


def test_stored_note_velocities_that_do_not_rise_are_refused(
    steinway_passages: list[np.ndarray],
) -> None:
    data = calibrate_passages_with_notes(*steinway_passages).to_json()
    data["note_velocities"] = [60.0, 50.0, 70.0]
    with pytest.raises(CalibrationValueError, match="note velocities do not rise"):
        Calibration.from_json(data)


def test_a_real_pianos_soft_and_loud_playing_read_apart_through_its_calibration(
    steinway_passages: list[np.ndarray],
) -> None:
    """Every 2 s window of the soft passage (played p) reads p or softer; every window of the
    loud one (played f) reads louder than the soft one's at the same place and within one class
    of f. Its notes run up from C3, and the note network reads this piano's low notes softer
    than its high ones: the first window of the loud passage reads mf (0.49 against f 0.48),
    the middle one too (as with the network before, whose first window read f)."""
    calibration = calibrate_passages_with_notes(*steinway_passages)
    soft, _, loud = steinway_passages
    two_seconds = 88_200
    order = INTENSITY_LABELS.index
    for start in range(0, soft.size - two_seconds + 1, two_seconds // 4):
        soft_label = window_note_intensity(soft[start : start + two_seconds], calibration).label
        loud_label = window_note_intensity(loud[start : start + two_seconds], calibration).label
        assert soft_label in ("pp", "p")
        assert loud_label in ("mf", "f", "ff") and order(loud_label) > order(soft_label)
    assert window_note_intensity(np.zeros(two_seconds, np.float32), calibration) is None
