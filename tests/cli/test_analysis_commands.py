from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from support.calibrated_takes import QUIET_CALIBRATION, plain_and_quiet_takes
from support.without_torch import run_without_torch

from pianoscope.audio.fileio import write_audio
from pianoscope.cli.main import main
from pianoscope.model.training.passage_reference import passage_phrases
from pianoscope.model.training.sources import STEINWAY, SampledPiano
from pianoscope.model.training.synth import render_at_convention
from pianoscope.resources_path import demo_recording_path
from pianoscope.transcription.training import steinway
from pianoscope.transcription.training.content import SoundingNote

ARPEGGIO = (60, 64, 67, 72, 67, 64, 60)
DEMO_PIANO = "grand-fluidr3"  # the bundled demo is rendered with FluidR3_GM's grand


def arpeggio() -> np.ndarray:
    """The Steinway B samples playing the arpeggio, 0.5 s apart, then 2 s of silence: a real
    piano, which the note network is made for (on a synthetic tone of partials at 1/n it hears
    the C5's octave partial as a C6)."""
    notes = [
        SoundingNote(0.25 + 0.5 * i, 0.73 + 0.5 * i, midi, 80) for i, midi in enumerate(ARPEGGIO)
    ]
    return steinway.render_notes(notes, 0.5 * len(ARPEGGIO) + 2.5)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "take.wav"
    write_audio(path, arpeggio())
    return path


def test_analyse_without_outputs_prints_a_summary(recording, capsys) -> None:
    assert main(["analyse", str(recording)]) == 0
    captured = capsys.readouterr()
    assert "take.wav: " in captured.out and "7 notes" in captured.out and "C4" in captured.out
    assert "100%" in captured.err


def test_analyse_writes_json_csv_and_midi(recording, tmp_path) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "analyse",
            str(recording),
            "--json",
            f"{out}.json",
            "--csv",
            f"{out}.csv",
            "--midi",
            f"{out}.mid",
        ]
    )
    assert code == 0
    data = json.loads(Path(f"{out}.json").read_text())
    assert [n["name"] for n in data["notes"]] == ["C4", "E4", "G4", "C5", "G4", "E4", "C4"]
    assert Path(f"{out}.csv").read_text().startswith("onset_s,offset_s,midi,name")
    assert (tmp_path / "out.segments.csv").read_text().startswith("start_s,end_s,piano")
    assert Path(f"{out}.mid").stat().st_size > 0


@pytest.fixture(scope="module")
def demo_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("demo") / "demo"
    code = main(
        ["analyse", str(demo_recording_path()), "--json", f"{out}.json", "--csv", f"{out}.csv"]
    )
    assert code == 0
    data = json.loads(Path(f"{out}.json").read_text())
    with open(out.with_name("demo.segments.csv"), newline="") as handle:
        data["segments_csv"] = list(csv.DictReader(handle))
    return data


def test_analyse_labels_the_demo_segments_as_the_fluidr3_grand(demo_json) -> None:
    segments = demo_json["segments"]
    pianos = Counter(s["piano"]["label"] for s in segments if s["piano"] is not None)
    print(f"piano labels of the demo: {pianos}")
    assert pianos[DEMO_PIANO] >= max(8, 0.8 * pianos.total())  # of 10 sounding segments
    assert demo_json["summary"]["piano"] == DEMO_PIANO
    assert set(demo_json["summary"]["form_share"]) <= {"legato", "staccato", "chords", "arpeggio"}
    assert set(demo_json["summary"]["intensity_share"]) <= {"pp", "p", "mf", "f", "ff"}
    first = segments[0]
    assert first["piano"]["label"] == DEMO_PIANO and 0.5 < first["piano"]["p"] <= 1.0
    assert first["form"]["label"] and first["intensity"]["label"]
    assert [row["piano"] for row in demo_json["segments_csv"][:4]] == [DEMO_PIANO] * 4
    assert demo_json["segments_csv"][0]["instrument"] == "piano"


def test_analyse_follows_the_contract_for_silence_and_unknown(demo_json) -> None:
    segments = demo_json["segments"]
    # The demo ends in digital silence: labels null, as in DESIGN.md.
    assert segments[-1] | {"start_s": 0, "end_s": 0} == {
        "start_s": 0,
        "end_s": 0,
        "instrument": None,
        "piano": None,
        "form": None,
        "intensity": None,
    }
    for segment in segments:
        if segment["piano"] is not None:  # a piano plays, known or `unknown`: form and intensity
            assert segment["instrument"]["label"] == "piano"
            assert segment["form"] is not None and segment["intensity"] is not None
        elif segment["instrument"] is not None:  # something else, or silence: nothing more
            assert segment["instrument"]["label"] in ("other", "silence")
            assert segment["form"] is None and segment["intensity"] is None


def test_analyse_summary_names_the_piano_and_the_stretches_of_labels(capsys) -> None:
    assert main(["analyse", str(demo_recording_path())]) == 0
    out = capsys.readouterr().out
    assert f"piano: {DEMO_PIANO} " in out
    assert "form: " in out and "intensity: " in out
    assert f"   0.0-   6.0 s  {DEMO_PIANO} legato" in out
    assert "s  silence" in out
    assert "intensity not calibrated: " in out  # the demo has no sidecar


def test_analyse_summary_says_which_calibration_intensity_was_read_through(capsys) -> None:
    assert main(["analyse", str(demo_recording_path()), "--calibration-db", "-6"]) == 0
    out = capsys.readouterr().out
    assert "intensity calibrated: mf notes, mf -6.0 dB" in out


def test_analyse_with_no_labels_leaves_every_segment_null(recording, tmp_path, capsys) -> None:
    out = tmp_path / "take.json"
    assert main(["analyse", str(recording), "--no-labels", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["segments"] and all(
        s["piano"] is s["form"] is s["intensity"] is None for s in data["segments"]
    )
    assert data["summary"]["piano"] is None
    assert main(["analyse", str(recording), "--no-labels"]) == 0
    assert "segments of 2 s, not labelled" in capsys.readouterr().out


def test_analyse_without_torch_warns_in_one_line_and_writes_null_labels(tmp_path) -> None:
    out = tmp_path / "demo.json"
    finished = run_without_torch("analyse", str(demo_recording_path()), "--json", str(out))
    assert finished.returncode == 0, finished.stderr
    warnings = [line for line in finished.stderr.splitlines() if "not labelled" in line]
    assert warnings == [
        "pianoscope: warning: segments are not labelled: The classifier needs torch, "
        "which cannot be loaded: No module named 'torch'"
    ]
    assert "Traceback" not in finished.stderr
    data = json.loads(out.read_text())
    assert all(s["piano"] is None for s in data["segments"])
    assert data["summary"]["note_count"] > 50


def test_spectrum_prints_the_note_and_writes_the_contract_json(recording, tmp_path, capsys) -> None:
    assert main(["spectrum", str(recording), "--at", "0.3"]) == 0
    assert "C4" in capsys.readouterr().out
    out = tmp_path / "spectrum.json"
    assert main(["spectrum", str(recording), "--at", "0.3", "--json", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["note"] == "C4" and data["partials"][0]["harmonic"] == 1
    assert np.isclose(data["time_s"], 0.3)


def test_errors_are_reported_in_one_line_with_exit_code_2(recording, tmp_path, capsys) -> None:
    assert main(["analyse", str(tmp_path / "missing.wav")]) == 2
    assert main(["spectrum", str(recording), "--at", "500"]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "outside" in err


def _intensities(path: Path) -> list[str | None]:
    return [(s["intensity"] or {}).get("label") for s in json.loads(path.read_text())["segments"]]


def test_a_calibration_on_the_command_line_replaces_the_takes_own(tmp_path: Path) -> None:
    """The demo's sidecar-less take is read uncalibrated; --calibration-db and
    --calibrate-from (the demo itself as mf) change its intensities, louder when the input is
    said to be quieter."""
    take = tmp_path / "demo.flac"
    take.write_bytes(demo_recording_path().read_bytes())
    outputs = {}
    for name, options in (
        ("none", []),
        ("quiet input", ["--calibration-db", "-20"]),
        ("from itself", ["--calibrate-from", str(take)]),
    ):
        outputs[name] = tmp_path / f"{name}.json"
        assert main(["analyse", str(take), "--json", str(outputs[name]), *options]) == 0
    order = ["pp", "p", "mf", "f", "ff"]
    none, quiet = _intensities(outputs["none"]), _intensities(outputs["quiet input"])
    assert none != quiet
    assert all(
        order.index(q) >= order.index(n) for n, q in zip(none, quiet, strict=True) if n and q
    )
    assert _intensities(outputs["from itself"]) != quiet
    named = {
        name: json.loads(path.read_text())["summary"]["calibration"]
        for name, path in outputs.items()
    }
    assert named["none"] == {"kind": "none", "offset_db": 0.0}
    assert named["quiet input"] == {"kind": "mf", "offset_db": -20.0}
    assert named["from itself"]["kind"] == "mf"


def test_three_passages_on_the_command_line_also_measure_their_notes(
    recording: Path, tmp_path: Path
) -> None:
    """`--calibrate-passages` records what the note model reads in each passage, so the notes
    of a piano the classifier never heard can be mapped (`summary.calibration`)."""
    passages = []
    for name, passage in zip(
        ("soft", "medium", "loud"),
        render_at_convention(SampledPiano(STEINWAY), passage_phrases()),
        strict=True,
    ):
        passages.append(tmp_path / f"{name}.wav")
        write_audio(passages[-1], passage)
    out = tmp_path / "take.json"
    arguments = ["analyse", str(recording), "--json", str(out), "--calibrate-passages"]
    assert main(arguments + [str(path) for path in passages]) == 0
    calibration = json.loads(out.read_text())["summary"]["calibration"]
    assert calibration["kind"] == "passages"
    soft, medium, loud = calibration["note_velocities"]
    assert soft < medium < loud


def test_a_scale_on_the_command_line_calibrates_each_key(
    recording: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """`--calibrate-scale` keeps the level of every key the scale measured (and the mf
    calibration), and the take's velocities are read against them; a recording of too few
    keys cannot calibrate, and says so."""
    scale_notes = [
        SoundingNote(0.2 + 0.4 * i, 0.55 + 0.4 * i, m, 64) for i, m in enumerate(range(48, 73))
    ]
    scale = tmp_path / "scale.wav"
    write_audio(scale, steinway.render_notes(scale_notes, 11.0))
    out = tmp_path / "take.json"
    arguments = ["analyse", str(recording), "--no-labels", "--json", str(out)]
    assert main([*arguments, "--calibrate-scale", str(scale)]) == 0
    calibration = json.loads(out.read_text())["summary"]["calibration"]
    assert calibration["kind"] == "scale" and calibration["offset_db"] != 0.0
    assert len(calibration["key_levels_db"]) == 88
    assert main([*arguments, "--calibrate-scale", str(recording)]) == 2
    assert "play a chromatic scale" in capsys.readouterr().err


def test_a_calibration_that_cannot_be_measured_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    take = tmp_path / "demo.flac"
    take.write_bytes(demo_recording_path().read_bytes())
    short = tmp_path / "short.wav"
    write_audio(short, np.zeros(1000, np.float32))
    assert main(["analyse", str(take), "--calibrate-from", str(short)]) == 2
    assert "cannot calibrate" in capsys.readouterr().err
    same = [str(take)] * 3
    assert main(["analyse", str(take), "--calibrate-passages", *same]) == 2
    assert "not louder" in capsys.readouterr().err


def test_analyse_without_labels_reads_velocities_through_the_takes_calibration(
    tmp_path: Path,
) -> None:
    """The take's sidecar says it was recorded 20 dB quieter than the convention: without the
    classifier (no labels) its notes still read louder, as they do with labels."""
    plain, calibrated = plain_and_quiet_takes(tmp_path)
    analyses = []
    for take in (plain, calibrated):
        out = take.with_suffix(".out.json")
        assert main(["analyse", str(take), "--no-labels", "--json", str(out)]) == 0
        analyses.append(json.loads(out.read_text()))
    assert analyses[0]["summary"]["calibration"] is None
    assert analyses[1]["summary"]["calibration"] == QUIET_CALIBRATION
    velocities = np.array([[n["velocity"] for n in a["notes"]] for a in analyses])
    assert np.all(velocities[1] >= velocities[0]) and velocities[1].mean() > velocities[0].mean()
