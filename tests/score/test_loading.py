"""Scores load from MusicXML, compressed MusicXML, MEI and MIDI with bars, time signature,
tempo, dynamics, slurs and staccato; a bad score is one readable sentence, never a traceback."""

from __future__ import annotations

import zipfile
from pathlib import Path

import partitura as pt
import pytest
from support.score_pieces import PIECE_A

from pianoscope.errors import ScoreError
from pianoscope.score.loading import Score, load_score


def test_musicxml_keeps_bars_tempo_dynamics_slurs_and_dots(piece_a: Score) -> None:
    assert len(piece_a.bars) == PIECE_A.bars
    assert [bar.number for bar in piece_a.bars] == list(range(1, PIECE_A.bars + 1))
    assert all(bar.beats_per_bar == 4 for bar in piece_a.bars)
    assert piece_a.bars[2].start_beat == 8.0
    assert piece_a.marked_bpm == pytest.approx(120.0)
    dynamic_of_bar = {n.bar: n.dynamic for n in piece_a.notes}
    assert [dynamic_of_bar[b] for b in (1, 5, 9, 11, 12, 13)] == ["mf", "p", "f", "mf", "p", "mf"]
    staccato_bars = {n.bar for n in piece_a.notes if n.staccato}
    assert staccato_bars == set(PIECE_A.staccato_bars)
    slurred = [n for n in piece_a.notes if n.slurred]
    assert {n.bar for n in slurred} == set(PIECE_A.slurred_bars)
    assert all(n.midi >= 60 for n in slurred)  # the slur is in the treble staff only


def test_three_four_piece_has_three_beat_bars(piece_b: Score) -> None:
    assert {bar.beats_per_bar for bar in piece_b.bars} == {3}
    assert piece_b.bars[-1].end_beat == 3 * len(piece_b.bars)
    assert piece_b.marked_bpm == pytest.approx(100.0)


def test_compressed_musicxml_loads_the_same_notes(score_folder: Path, piece_a: Score) -> None:
    source = score_folder / "piece_a.musicxml"
    packed = score_folder / "piece_a.mxl"
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0" encoding="UTF-8"?><container><rootfiles>'
            '<rootfile full-path="score.musicxml"/></rootfiles></container>',
        )
        archive.write(source, "score.musicxml")
    loaded = load_score(packed)
    assert [(n.midi, n.onset_beat) for n in loaded.notes] == [
        (n.midi, n.onset_beat) for n in piece_a.notes
    ]


@pytest.mark.parametrize("suffix", [".mid", ".mei"])
def test_midi_and_mei_load_the_same_pitches_and_bars(
    suffix: str, score_folder: Path, piece_a: Score
) -> None:
    original = pt.load_score(str(score_folder / "piece_a.musicxml"))
    path = score_folder / f"piece_a{suffix}"
    if suffix == ".mid":
        pt.save_score_midi(original, str(path))
    else:
        pt.save_mei(original, str(path))
    loaded = load_score(path)
    assert sorted((n.onset_beat, n.midi) for n in loaded.notes) == sorted(
        (n.onset_beat, n.midi) for n in piece_a.notes
    )
    assert len(loaded.bars) == len(piece_a.bars)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


EMPTY_SCORE = b"""<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="3.1"><part-list><score-part id="P1"><part-name>Piano</part-name>
</score-part></part-list><part id="P1"><measure number="1"><attributes><divisions>1</divisions>
<time><beats>4</beats><beat-type>4</beat-type></time></attributes>
<note><rest/><duration>4</duration></note></measure></part></score-partwise>"""


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("broken.musicxml", b"<?xml version='1.0'?><score-partwise><part id=", "not a readable"),
        ("empty.musicxml", EMPTY_SCORE, "has no notes"),
        ("nothing.musicxml", b"", "not a readable"),
        ("noise.mxl", bytes(range(256)) * 4, "not a readable"),
        ("noise.mid", b"MThd" + bytes(60), "not a readable"),
        ("letter.txt", b"Dear teacher", "not a score"),
    ],
)
def test_bad_score_is_one_readable_sentence(
    name: str, data: bytes, expected: str, tmp_path: Path
) -> None:
    with pytest.raises(ScoreError) as caught:
        load_score(write(tmp_path, name, data))
    message = str(caught.value)
    assert expected in message and name in message
    assert "\n" not in message and "Traceback" not in message


def test_missing_score_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ScoreError, match="no such score file"):
        load_score(tmp_path / "absent.musicxml")
