"""`pianoscope library ...`, `record` and `recover` when takes are damaged, missing, trashed,
interrupted, or the disk is full: each is reported and the rest of the work goes on."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import numpy as np
import soundfile as sf
from support.full_disk import fill, small_disk
from support.library_takes import write_take

from pianoscope.audio.recorder import journal_path
from pianoscope.audio.wav_journal import WavJournal
from pianoscope.cli.main import main
from pianoscope.library.store import Library


def library_args(tmp_path) -> list[str]:
    return ["--library", str(tmp_path / "lib")]


def imported_id(capsys) -> str:
    """The take number in the line `library import` printed last."""
    return capsys.readouterr().out.strip().splitlines()[-1].split(":", 1)[1].split()[0]


def write_journal(out, seconds: float = 1.0) -> None:
    """What `pianoscope record out` leaves after kill -9: a journal and a 'recording' sidecar."""
    journal = WavJournal(journal_path(out), 44_100)
    journal.append(0.2 * np.sin(np.arange(round(seconds * 44_100)) / 10.0))
    journal.close()


def test_library_analyse_skips_and_reports_bad_takes_and_analyses_the_rest(tmp_path, capsys):
    args = library_args(tmp_path)
    nan_take = tmp_path / "nan.wav"
    sf.write(nan_take, np.full(44_100, np.nan, dtype=np.float32), 44_100, subtype="FLOAT")
    vanishing = write_take(tmp_path / "vanishing.wav", seconds=1.0, freq_hz=330.0)
    good = write_take(tmp_path / "good.wav", seconds=2.0)
    for path in (nan_take, vanishing, good):
        assert main(["library", "import", str(path), *args]) == 0
    capsys.readouterr()
    with Library.open(tmp_path / "lib") as library:
        (vanished,) = (r for r in library.recordings() if "vanishing" in r.path)
        library.path_of(vanished).unlink()

    assert main(["library", "analyse", "--no-labels", *args]) == 1
    captured = capsys.readouterr()
    assert "analysed 1 take(s)" in captured.out
    assert "nan.wav" in captured.err and "vanishing.wav" in captured.err
    assert "Traceback" not in captured.err

    assert main(["library", "delete", str(vanished.id), *args]) == 0
    assert "moved to the trash" in capsys.readouterr().out


def test_a_deleted_take_can_be_brought_back_and_import_says_how(tmp_path, capsys):
    args = library_args(tmp_path)
    source = write_take(tmp_path / "lesson.wav", seconds=1.0)
    assert main(["library", "import", str(source), *args]) == 0
    take_id = imported_id(capsys)
    assert main(["library", "delete", take_id, *args]) == 0
    capsys.readouterr()

    assert main(["library", "import", str(source), *args]) == 0
    message = capsys.readouterr().out
    assert "trash" in message and f"pianoscope library restore-take {take_id}" in message

    assert main(["library", "restore-take", take_id, *args]) == 0
    assert "back from the trash" in capsys.readouterr().out
    main(["library", "list", *args])
    (line,) = capsys.readouterr().out.splitlines()
    assert line.split()[0] == take_id
    with Library.open(tmp_path / "lib") as library:
        restored = library.recording(int(take_id))
        assert library.path_of(restored).read_bytes() == source.read_bytes()


def test_record_over_a_crashed_take_explains_the_journal_and_recover_keeps_it(tmp_path, capsys):
    out = tmp_path / "t.flac"
    write_journal(out, seconds=1.0)
    demo = write_take(tmp_path / "source.wav", seconds=1.0)
    assert main(["record", str(out), "--seconds", "1", "--from-file", str(demo)]) == 2
    error = capsys.readouterr().err
    assert "interrupted" in error and f"pianoscope recover {out}" in error
    assert "already exists" not in error

    assert main(["recover", str(tmp_path)]) == 0
    assert "recovered" in capsys.readouterr().out
    assert sf.info(str(out)).duration == 1.0
    assert not journal_path(out).exists()
    assert main(["recover", str(tmp_path)]) == 0
    assert "nothing to recover" in capsys.readouterr().out.lower()


def test_importing_a_folder_reports_interrupted_takes_instead_of_skipping_them(tmp_path, capsys):
    folder = tmp_path / "takes"
    write_take(folder / "fine.wav", seconds=1.0)
    write_journal(folder / "crashed.flac")
    assert main(["library", "import", str(folder), *library_args(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "fine.wav" in captured.out
    assert "crashed.flac" in captured.err and "pianoscope recover" in captured.err


def test_list_and_backup_work_on_a_full_disk(tmp_path):
    """The library lives on a real 8 MB tmpfs filled to the last block; the backup goes to
    another filesystem, as it would to a USB stick."""
    with small_disk(tmp_path / "disk") as disk:
        args = ["--library", str(disk / "lib")]
        source = write_take(tmp_path / "lesson.wav", seconds=1.0)
        pianoscope = [sys.executable, "-m", "pianoscope"]
        subprocess.run([*pianoscope, "library", "import", str(source), *args], check=True)
        fill(disk)
        listing = subprocess.run(
            [*pianoscope, "library", "list", *args], capture_output=True, text=True, timeout=60
        )
        assert listing.returncode == 0, listing.stderr
        assert "lesson.wav" in listing.stdout
        out = tmp_path / "backup.zip"
        saved = subprocess.run(
            [*pianoscope, "library", "backup", str(out), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert saved.returncode == 0, saved.stderr
        assert "backed up 1 file(s)" in saved.stdout
        with zipfile.ZipFile(out) as archive:
            (take,) = (name for name in archive.namelist() if name.endswith("lesson.wav"))
            assert archive.read(take) == source.read_bytes()
