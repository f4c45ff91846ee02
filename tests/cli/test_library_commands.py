"""`pianoscope library ...` and `pianoscope compare` on real files and a real library folder."""

from __future__ import annotations

import json

import numpy as np
import pytest

from pianoscope.audio.fileio import write_audio
from pianoscope.cli.main import main

RATE_HZ = 22_050


def melody(note_s: float, count: int = 24, seed: int = 3) -> np.ndarray:
    """Decaying harmonic tones on random pitches, each `note_s` long."""
    pitches = np.random.default_rng(seed).integers(48, 84, size=count)
    time_s = np.arange(round(note_s * RATE_HZ)) / RATE_HZ
    notes = [
        sum(
            0.2
            / n
            * np.exp(-3.0 * time_s)
            * np.sin(2 * np.pi * n * 440 * 2 ** ((p - 69) / 12) * time_s)
            for n in range(1, 5)
        )
        for p in pitches
    ]
    silence = np.zeros(RATE_HZ // 2)
    return np.concatenate([silence, *notes, silence]).astype(np.float32)


def take(path, note_s: float, **sidecar):
    write_audio(path, melody(note_s), RATE_HZ)
    if sidecar:
        document = {
            "started_at": "2026-11-20T15:30:00+00:00",
            "device": "pulse",
            "sample_rate_hz": RATE_HZ,
            "format": "WAV",
            **sidecar,
        }
        path.with_name(path.name + ".json").write_text(json.dumps(document))
    return path


def test_import_list_delete_backup_restore_round_trip(tmp_path, capsys):
    library = ["--library", str(tmp_path / "lib")]
    folder = tmp_path / "old"
    folder.mkdir()
    take(folder / "a.wav", 0.30, student="Ada", piece="Minuet")
    take(folder / "b.wav", 0.25)
    assert main(["library", "import", str(folder), "--piece", "Etude", *library]) == 0
    imported = capsys.readouterr().out.splitlines()
    assert len(imported) == 2 and all(line.startswith("imported:") for line in imported)

    assert main(["library", "list", "--student", "ada", *library]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "Ada / Etude" in line and "recordings/Ada/Etude/a.wav" in line

    assert main(["library", "import", str(folder / "a.wav"), *library]) == 0
    assert capsys.readouterr().out.startswith("already in the library:")

    assert main(["library", "backup", str(tmp_path / "backup.zip"), *library]) == 0
    assert "backed up 3 file(s)" in capsys.readouterr().out  # two takes and one sidecar

    assert main(["library", "delete", line.split()[0], *library]) == 0
    assert "moved to the trash" in capsys.readouterr().out
    main(["library", "list", *library])
    assert len(capsys.readouterr().out.splitlines()) == 1

    assert main(["library", "restore", str(tmp_path / "backup.zip"), *library]) == 0
    assert "kept in" in capsys.readouterr().out
    main(["library", "list", *library])
    assert len(capsys.readouterr().out.splitlines()) == 2


def test_analyse_then_progress_shows_tempo_and_practice(tmp_path, capsys):
    library = ["--library", str(tmp_path / "lib")]
    take(tmp_path / "a.wav", 0.5, student="Ada", piece="Minuet")
    main(["library", "import", str(tmp_path / "a.wav"), *library])
    assert main(["library", "analyse", "--no-labels", *library]) == 0
    assert "analysed 1 take(s)" in capsys.readouterr().out
    assert main(["library", "progress", "--student", "Ada", "--piece", "minuet", *library]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("2026-11-20") and out[-1].startswith("practice:")
    assert main(["library", "progress", "--student", "Nobody", *library]) == 2
    assert "no student called 'Nobody'" in capsys.readouterr().err


def test_a_bad_backup_is_one_readable_error(tmp_path, capsys):
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    assert main(["library", "restore", str(tmp_path / "bad.zip"), "--library", str(tmp_path)]) == 2
    assert "not a readable Pianoscope backup" in capsys.readouterr().err


def test_compare_prints_the_summary_and_sections(tmp_path, capsys):
    reference = take(tmp_path / "teacher.wav", 0.40)
    student = take(tmp_path / "student.wav", 0.50)
    assert main(["compare", str(reference), str(student), "--section", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Overall the take is 20 % slower than the reference.")
    assert "0.80x" in out


@pytest.mark.parametrize("section", ["0", "-1", "nan"])
def test_compare_refuses_nonsense_section_lengths(tmp_path, section):
    with pytest.raises(SystemExit) as exit_:
        main(["compare", "a.wav", "b.wav", "--section", section])
    assert exit_.value.code == 2


def test_compare_counts_sections_in_bars_of_the_given_meter(tmp_path, capsys):
    """24 notes of 0.4 s are 8 bars of 3/4; the student plays them 20 % slower throughout."""
    reference = take(tmp_path / "teacher.wav", 0.40)
    student = take(tmp_path / "student.wav", 0.50)
    arguments = ["compare", str(reference), str(student)]
    assert main([*arguments, "--beats-per-bar", "3", "--bars-per-section", "2"]) == 0
    out = capsys.readouterr().out
    rows = out.split("bars         reference")[1].splitlines()[1:]
    assert [row[:11].strip() for row in rows] == ["bars 1-2", "bars 3-4", "bars 5-6", "bars 7-8"]
    assert all(0.78 <= float(row.split()[-3].rstrip("x")) <= 0.82 for row in rows)


@pytest.mark.parametrize(
    "option", [["--beats-per-bar", "0"], ["--upbeat", "-1"], ["--upbeat", "x"]]
)
def test_compare_refuses_nonsense_meters(option):
    with pytest.raises(SystemExit) as exit_:
        main(["compare", "a.wav", "b.wav", *option])
    assert exit_.value.code == 2
