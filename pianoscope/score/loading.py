"""Load a score (MusicXML, compressed MusicXML, MEI or MIDI) with partitura into plain data.

The rest of `pianoscope.score` never sees partitura objects: a `Score` holds the notes with
their bar, beat position, printed articulation (staccato dots, slurs) and the dynamic marking
in force, and the bars with their time signature, so that comparing a take with it is plain
numpy. partitura (and parangonar for the alignment) are the `score` extra: importing this
module works without them and `load_score` says how to install them.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from pianoscope.errors import ScoreError

log = logging.getLogger(__name__)

SCORE_SUFFIXES = (".musicxml", ".xml", ".mxl", ".mei", ".mid", ".midi")
DETACHED_ARTICULATIONS = frozenset({"staccato", "staccatissimo", "spiccato"})
# Printed dynamics, softest first, onto the five intensity classes of the classifier
# (DESIGN.md): ppp and fff fold into pp and ff, mp into mf.
DYNAMIC_CLASSES = ("pp", "p", "mf", "f", "ff")
MARKING_CLASS = {
    "ppp": "pp",
    "pp": "pp",
    "p": "p",
    "mp": "mf",
    "mf": "mf",
    "f": "f",
    "ff": "ff",
    "fff": "ff",
}
INSTALL_HINT = "install the score extra: pip install 'pianoscope[score]'"


@dataclass(frozen=True)
class ScoreNote:
    """One written note (ties merged). Beats are the score's beats from its start; `bar` is
    the printed bar number and `bar_index` the position in `Score.bars` (they differ when
    repeats are played); `slurred` means under a slur and not its last note, i.e. to be
    joined to the next one."""

    id: str
    midi: int
    onset_beat: float
    duration_beat: float
    bar: int
    bar_index: int
    is_grace: bool
    staccato: bool
    slurred: bool
    dynamic: str | None


@dataclass(frozen=True)
class Bar:
    """One measure: its printed number, where it lies in beats, the beats its time signature
    gives it (a pickup bar is shorter than `beats_per_bar`) and, in a score with its repeats
    played, which time through this bar number it is."""

    number: int
    start_beat: float
    end_beat: float
    beats_per_bar: int
    repeat: int = 1


@dataclass(frozen=True)
class Score:
    """A piece as written: notes sorted by onset then pitch, bars in order, the marked tempo
    (beats per minute, None when the score has none) and the score's title. A score with
    repeats also carries `with_repeats`, the same piece with every repeat played."""

    title: str
    notes: tuple[ScoreNote, ...]
    bars: tuple[Bar, ...]
    marked_bpm: float | None
    with_repeats: Score | None = None

    def bar_index_of_beat(self, beat: float) -> int:
        """Index in `bars` of the bar containing `beat` (the first or last outside the piece)."""
        starts = np.array([bar.start_beat for bar in self.bars])
        return int(np.clip(np.searchsorted(starts, beat, side="right") - 1, 0, len(starts) - 1))


def load_score(path: str | Path) -> Score:
    """Read a score file; raises ScoreError with a sentence for the teacher when the file is
    missing, not a score, unreadable, or has no notes."""
    path = Path(path)
    if not path.is_file():
        raise ScoreError(f"{path.name}: no such score file.")
    if path.suffix.lower() not in SCORE_SUFFIXES:
        raise ScoreError(
            f"{path.name} is not a score: use MusicXML (.musicxml, .xml, .mxl), MEI or MIDI."
        )
    partitura = _partitura()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = partitura.load_score(str(path))
            parts = list(loaded.parts)
            if not parts:
                raise ScoreError(f"{path.name} has no notes.")
            part = parts[0] if len(parts) == 1 else partitura.score.merge_parts(parts)
            score = _score_from_part(part, loaded, path)
            if _has_repeats(part, partitura.score):
                unfolded = partitura.score.unfold_part_maximal(part)
                score = replace(score, with_repeats=_score_from_part(unfolded, loaded, path))
    except ScoreError:
        raise
    except Exception as error:  # lxml, zipfile, mido and partitura each raise their own types
        log.debug("partitura failed on %s", path, exc_info=True)
        raise ScoreError(f"{path.name} is not a readable score ({_reason(error)}).") from error
    log.info("%s: %d notes in %d bars", path.name, len(score.notes), len(score.bars))
    return score


def _partitura() -> ModuleType:
    try:
        import partitura
    except ImportError as error:
        raise ScoreError(f"Reading scores needs partitura: {INSTALL_HINT}.") from error
    return partitura


def _reason(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:120]


def _score_from_part(part: Any, loaded: Any, path: Path) -> Score:
    import partitura.score as ps

    array = part.note_array(include_grace_notes=True)
    if array.size == 0:
        raise ScoreError(f"{path.name} has no notes.")
    bars = _bars(part)
    starts = np.array([bar.start_beat for bar in bars])
    by_id = {note.id: note for note in part.notes_tied}
    slurred = _slurred_ids(part, ps)
    dynamics = _dynamic_changes(part, ps)
    notes = []
    for row in np.sort(array, order=["onset_beat", "pitch"]):
        note = by_id.get(str(row["id"]))
        articulations = set(getattr(note, "articulations", None) or ())
        onset_div = int(row["onset_div"])
        bar_index = int(np.clip(np.searchsorted(starts, row["onset_beat"], "right") - 1, 0, None))
        notes.append(
            ScoreNote(
                id=str(row["id"]),
                midi=int(row["pitch"]),
                onset_beat=float(row["onset_beat"]),
                duration_beat=float(row["duration_beat"]),
                bar=bars[bar_index].number,
                bar_index=bar_index,
                is_grace=bool(row["is_grace"]) if "is_grace" in array.dtype.names else False,
                staccato=bool(articulations & DETACHED_ARTICULATIONS),
                slurred=str(row["id"]) in slurred,
                dynamic=_dynamic_at(dynamics, onset_div),
            )
        )
    title = getattr(loaded, "work_title", None) or path.stem
    return Score(title=str(title), notes=tuple(notes), bars=bars, marked_bpm=_marked_bpm(part, ps))


def _bars(part: Any) -> tuple[Bar, ...]:
    measures = list(part.measures)
    beat = part.beat_map
    if not measures:
        end = float(beat(part.last_point.t))
        return (Bar(1, 0.0, max(end, 1.0), 4),)
    bars = []
    times_through: dict[int, int] = {}
    for index, measure in enumerate(measures):
        start_beat = float(beat(measure.start.t))
        end_beat = float(beat(measure.end.t)) if measure.end is not None else start_beat
        signature = part.time_signature_map(measure.start.t)
        number = measure.number if isinstance(measure.number, int) else index + 1
        times_through[number] = times_through.get(number, 0) + 1
        bars.append(Bar(number, start_beat, end_beat, int(signature[0]), times_through[number]))
    return tuple(bars)


def _has_repeats(part: Any, ps: ModuleType) -> bool:
    jumps = (ps.Repeat, ps.Ending, ps.DaCapo, ps.DalSegno)
    return any(next(iter(part.iter_all(kind)), None) is not None for kind in jumps)


def _slurred_ids(part: Any, ps: ModuleType) -> set[str]:
    """Ids of the notes under a slur, except each slur's last note: the ones to be joined to
    the next note (in the slur's staff)."""
    ids: set[str] = set()
    for slur in part.iter_all(ps.Slur):
        first, last = slur.start_note, slur.end_note
        if first is None or last is None:
            continue
        staff = getattr(first, "staff", None)
        for note in part.notes_tied:
            same_staff = staff is None or getattr(note, "staff", None) == staff
            if same_staff and first.start.t <= note.start.t < last.start.t:
                ids.add(note.id)
    return ids


def _dynamic_changes(part: Any, ps: ModuleType) -> list[tuple[int, str]]:
    """(time in divisions, printed marking) of each constant dynamic, in order."""
    changes = []
    for direction in part.iter_all(ps.ConstantLoudnessDirection):
        text = str(direction.text).strip().lower()
        if text in MARKING_CLASS:
            changes.append((int(direction.start.t), text))
    return sorted(changes)


def _dynamic_at(changes: list[tuple[int, str]], time_div: int) -> str | None:
    marking = None
    for start, text in changes:
        if start > time_div:
            break
        marking = text
    return marking


def _marked_bpm(part: Any, ps: ModuleType) -> float | None:
    """The first tempo marking, in the score's beats per minute."""
    tempos = list(part.iter_all(ps.Tempo))
    if not tempos:
        return None
    first = tempos[0]
    quarter_bpm = 60e6 / first.microseconds_per_quarter
    time = first.start.t
    beats = float(part.beat_map(time + 1)) - float(part.beat_map(time))
    quarters = float(part.quarter_map(time + 1)) - float(part.quarter_map(time))
    return quarter_bpm * beats / quarters
