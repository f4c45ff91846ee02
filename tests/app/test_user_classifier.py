"""Offline analysis, review and the library label segments with the teacher's classifier: the
enrolled pianos once chosen (as the live view), the shipped model otherwise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from support.enrolment_renders import OWN_PIANOS, rendered

from pianoscope.analysis.pipeline import analyse_file
from pianoscope.analysis.result import Analysis
from pianoscope.app.enrolment import use_enrolment
from pianoscope.app.library.take_filer import TakeFiler
from pianoscope.app.review.opening import analysis_job, open_recording
from pianoscope.app.segment_labeller import classifier_labeller, user_labeller
from pianoscope.audio.fileio import load_audio, write_audio
from pianoscope.cli.main import main
from pianoscope.library.importer import import_file
from pianoscope.library.store import Library
from pianoscope.model.inference import Classifier

pytestmark = pytest.mark.fluidsynth

ENROLLED = "Hall grand"


@pytest.fixture(autouse=True)
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The choice of enrolment goes to a throw-away user data folder for each test."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture(scope="module")
def take(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20 s of new playing (a seed enrolment never heard) on the enrolled "Hall grand"."""
    path = tmp_path_factory.mktemp("takes") / "hall grand lesson.flac"
    write_audio(path, rendered(OWN_PIANOS[ENROLLED], seed=3, seconds=20.0))
    return path


def piano_labels(analysis: Analysis) -> list[str]:
    return [s.labels.piano.label for s in analysis.segments if s.labels and s.labels.piano]


def reviewed(take: Path) -> Analysis:
    """The analysis the review window runs, with its default labeller."""
    job = analysis_job(open_recording(take)).start()
    assert job.wait(120)
    assert job.result is not None, job.error
    return job.result


def test_review_analysis_of_an_enrolled_piano_names_it_in_its_segments(
    own_pianos_enrolment: Path, take: Path
) -> None:
    use_enrolment(own_pianos_enrolment)
    labels = piano_labels(reviewed(take))
    print(f"segments of the enrolled piano: {labels}")
    assert len(labels) >= 8
    assert labels.count(ENROLLED) >= 0.8 * len(labels)


def test_without_an_enrolment_segments_keep_the_shipped_labels(
    own_pianos_enrolment: Path, take: Path
) -> None:
    shipped = analyse_file(take, labeller=classifier_labeller(Classifier(threads=1)))
    assert reviewed(take).segments == shipped.segments
    use_enrolment(own_pianos_enrolment)
    use_enrolment(None)  # back to the shipped model: no enrolled name lingers
    assert reviewed(take).segments == shipped.segments
    assert ENROLLED not in piano_labels(shipped)


def test_library_analysis_stores_the_enrolled_piano(
    own_pianos_enrolment: Path, take: Path, tmp_path: Path
) -> None:
    use_enrolment(own_pianos_enrolment)
    with Library.open(tmp_path / "library") as library:
        recording = import_file(library, take).recording
        assert main(["library", "analyse", "--library", str(library.root)]) == 0
        summary = library.summary(recording.id)
    assert summary is not None and summary.piano == ENROLLED


def test_analyse_and_batch_commands_name_the_enrolled_piano(
    own_pianos_enrolment: Path, take: Path, tmp_path: Path
) -> None:
    use_enrolment(own_pianos_enrolment)
    out = tmp_path / "take.json"
    assert main(["analyse", str(take), "--json", str(out)]) == 0
    assert json.loads(out.read_text())["summary"]["piano"] == ENROLLED
    takes = tmp_path / "takes"
    takes.mkdir()
    shutil.copy(take, takes / take.name)
    assert main(["batch", str(takes), "--out", str(tmp_path / "batch"), "--workers", "1"]) == 0
    batch = json.loads((tmp_path / "batch" / f"{take.name}.json").read_text())
    assert batch["summary"]["piano"] == ENROLLED


def test_takes_filed_from_the_live_window_are_analysed_with_the_enrolled_pianos(
    own_pianos_enrolment: Path, take: Path, tmp_path: Path
) -> None:
    use_enrolment(own_pianos_enrolment)
    with Library.open(tmp_path / "library") as library:
        filer = TakeFiler(library)
        filer.submit(take, "Ada", "Minuet")
        assert filer.wait_idle(120)
        assert filer.take_problems() == []
        (filed,) = filer.filed()
        summary = library.summary(filed.recording.id)
    assert filed.analysed and summary is not None and summary.piano == ENROLLED


def test_the_labeller_follows_the_enrolment_chosen_in_a_given_folder(
    own_pianos_enrolment: Path, take: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "elsewhere"
    use_enrolment(own_pianos_enrolment, folder)
    labeller = user_labeller(folder)
    assert labeller is not None
    labels = piano_labels(analyse_file(take, labeller=labeller))
    assert labels.count(ENROLLED) >= 0.8 * len(labels)


def test_an_enrolled_piano_is_named_alike_whatever_the_recording_gain(
    own_pianos_enrolment: Path, take: Path, tmp_path: Path
) -> None:
    """The enrolled head reads the window placed at the take's level, as the shipped heads do."""
    use_enrolment(own_pianos_enrolment)
    labeller = user_labeller()
    samples = load_audio(take)
    named = {}
    for gain in (0.01, 1.0, 100.0):
        path = tmp_path / f"take-{gain:g}.wav"
        sf.write(path, samples * np.float32(gain), 44_100, subtype="FLOAT")
        named[gain] = piano_labels(analyse_file(path, labeller=labeller))
    assert named[0.01] == named[1.0] == named[100.0]
    assert named[1.0].count(ENROLLED) >= 0.8 * len(named[1.0])
