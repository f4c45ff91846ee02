"""A piece's score is kept once in the library (SQLite, migration 4) and every take of the
piece is compared with it; a bad file never replaces a good score; backups carry it."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.library_takes import write_take
from support.score_pieces import PIECE_A, PIECE_B, Faults, perform, write_piece
from support.score_renders import render

from pianoscope.app.library.scores import (
    attach_score,
    compare_with_piece_score,
    piece_score,
    stored_score_of_take,
)
from pianoscope.audio.fileio import write_audio
from pianoscope.errors import LibraryError, ScoreError
from pianoscope.library.backup import backup, restore
from pianoscope.library.importer import import_file
from pianoscope.library.store import Library
from pianoscope.score.loading import load_score


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("piece-scores")
    return (
        write_piece(folder / "minuet.musicxml", PIECE_A),
        write_piece(folder / "waltz.musicxml", PIECE_B),
    )


@pytest.fixture
def library(tmp_path: Path):
    with Library.open(tmp_path / "library") as opened:
        yield opened


def notes_of(path: Path) -> list[tuple[float, int]]:
    return [(n.onset_beat, n.midi) for n in load_score(path).notes]


def test_stored_score_comes_back_and_a_new_one_replaces_it(
    library: Library, scores: tuple[Path, Path]
) -> None:
    minuet, waltz = scores
    stored = attach_score(library, "Minuet", minuet)
    assert stored.file_name == "minuet.musicxml" and stored.content == minuet.read_bytes()
    piece = library.ensure_piece("minuet")  # the same piece, whatever the case
    loaded = piece_score(library, piece.id)
    assert loaded is not None
    assert [(n.onset_beat, n.midi) for n in loaded.notes] == notes_of(minuet)
    attach_score(library, "Minuet", waltz)
    replaced = piece_score(library, piece.id)
    assert replaced is not None and len(replaced.notes) == len(load_score(waltz).notes)


def test_a_bad_file_keeps_the_good_score(
    library: Library, scores: tuple[Path, Path], tmp_path: Path
) -> None:
    attach_score(library, "Minuet", scores[0])
    broken = tmp_path / "broken.musicxml"
    broken.write_text("<score-partwise><part")
    with pytest.raises(ScoreError, match=r"broken\.musicxml is not a readable score"):
        attach_score(library, "Minuet", broken)
    kept = library.piece_score(library.ensure_piece("Minuet").id)
    assert kept is not None and kept.file_name == "minuet.musicxml"


def test_backups_carry_the_scores(scores: tuple[Path, Path], tmp_path: Path) -> None:
    with Library.open(tmp_path / "library") as library:
        attach_score(library, "Minuet", scores[0])
        backup(library, tmp_path / "backup.zip")
    restore(tmp_path / "backup.zip", tmp_path / "restored")
    with Library.open(tmp_path / "restored") as restored:
        stored = restored.piece_score(restored.ensure_piece("Minuet").id)
        assert stored is not None and stored.content == scores[0].read_bytes()


def test_a_take_without_a_stored_score_says_how_to_add_one(
    library: Library, tmp_path: Path
) -> None:
    take = import_file(library, write_take(tmp_path / "take.wav"), student="Ann", piece="Minuet")
    with pytest.raises(LibraryError, match="No score is stored for Minuet"):
        compare_with_piece_score(library, take.recording.id)
    loose = import_file(library, write_take(tmp_path / "other.wav", freq_hz=330.0))
    with pytest.raises(LibraryError, match="not filed under a piece"):
        compare_with_piece_score(library, loose.recording.id)


@pytest.mark.fluidsynth
def test_every_take_of_the_piece_is_compared_with_its_score(
    library: Library, scores: tuple[Path, Path], tmp_path: Path
) -> None:
    minuet = load_score(scores[0])
    attach_score(library, "Minuet", scores[0])
    ids = []
    for name, faults in (("exact", Faults()), ("loud", Faults(bar_dynamic={12: "f"}))):
        path = tmp_path / f"{name}.flac"
        write_audio(path, render(perform(minuet, faults).notes))
        ids.append(import_file(library, path, student="Ann", piece="Minuet").recording.id)
    exact, loud = (compare_with_piece_score(library, take_id) for take_id in ids)
    assert exact.findings == ()
    assert [(f.kind, f.first_bar) for f in loud.findings] == [("dynamics", 12)]


def test_a_take_in_the_library_knows_its_piece_s_score_wherever_it_is_opened(
    library: Library, scores: tuple[Path, Path], tmp_path: Path
) -> None:
    filed = import_file(library, write_take(tmp_path / "a.wav"), student="Ann", piece="Minuet")
    take = library.path_of(filed.recording)
    assert stored_score_of_take(take) is None  # no score yet
    attach_score(library, "Minuet", scores[0])
    stored = stored_score_of_take(take)
    assert stored is not None and stored.piece == "Minuet"
    assert stored.file.file_name == "minuet.musicxml"
    assert [(n.onset_beat, n.midi) for n in stored.load().notes] == notes_of(scores[0])
    loose = import_file(library, write_take(tmp_path / "b.wav", freq_hz=330.0)).recording
    assert stored_score_of_take(library.path_of(loose)) is None  # filed under no piece
    assert stored_score_of_take(write_take(tmp_path / "outside.wav", freq_hz=440.0)) is None
