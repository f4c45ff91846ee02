from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pianoscope.audio.fileio import write_audio
from pianoscope.cli import main
from pianoscope.dsp.pitch import midi_to_hz

SAMPLE_RATE_HZ = 44_100
ARPEGGIO = (60, 64, 67, 72, 67, 64, 60)


def arpeggio() -> np.ndarray:
    """Decaying harmonic tones 0.5 s apart, then 2 s of near silence."""
    time_s = np.arange(round(0.48 * SAMPLE_RATE_HZ)) / SAMPLE_RATE_HZ
    samples = np.zeros(round((0.5 * len(ARPEGGIO) + 2.5) * SAMPLE_RATE_HZ))
    for i, midi in enumerate(ARPEGGIO):
        tone = sum(
            0.2 / n * np.exp(-2.0 * n * time_s) * np.sin(2 * np.pi * n * midi_to_hz(midi) * time_s)
            for n in range(1, 9)
        )
        start = round((0.25 + 0.5 * i) * SAMPLE_RATE_HZ)
        samples[start : start + tone.size] += tone * np.clip((0.48 - time_s) / 0.05, 0, 1)
    return samples.astype(np.float32)


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
