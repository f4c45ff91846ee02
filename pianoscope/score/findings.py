"""Per-bar measurements and the findings a teacher would mention, in bars and words.

Loudness is judged relative to the take: microphones and rooms differ, so the median gap
between the played level and the printed dynamics is the take's calibration (as the review
window reads the median level as mf), and a bar is reported when it sits a class or more
away from its marking *and* at least DYNAMIC_MIN_DB off. Tempo is judged against the take's
median bar tempo (the marked tempo gets its own sentence). Articulation asks how far the notes
under staccato dots or slurs fall before their written end (DETACHED_DROP_DB): the transcribed
note ends follow the sound's decay, not the key's release, so they cannot tell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from pianoscope.dsp.pitch import note_name
from pianoscope.score.alignment import MISSED, PLAYED, WRONG_PITCH
from pianoscope.score.loading import DYNAMIC_CLASSES, MARKING_CLASS, Score
from pianoscope.score.timing import TimeMap

if TYPE_CHECKING:
    from pianoscope.score.comparison import ExtraNote, NoteResult

# The middle of each intensity class of DESIGN.md, as MIDI velocity.
CLASS_VELOCITY = {"pp": 30, "p": 50, "mf": 72, "f": 95, "ff": 116}
VELOCITY_DB_PER_DECADE = 40.0  # General MIDI: amplitude grows with velocity squared
DYNAMIC_MIN_DB = 6.0
TEMPO_MIN_CHANGE = 0.10
MARKED_TEMPO_MIN_CHANGE = 0.10
# Median fall (dB) of a bar's marked notes before their written end that reads as detached:
# measured on FluidR3, held notes fall 2-10 dB and notes released at a third 9-25 dB.
DETACHED_DROP_DB = 9.0
RHYTHM_MIN_BEATS = 0.3
# Finding kinds in the order a teacher raises them.
KINDS = ("notes", "tempo", "dynamics", "articulation", "rhythm", "extra_notes")


@dataclass(frozen=True)
class BarResult:
    """One bar of the take against the score. `repeat` counts the times through this bar
    number (2 in a repeat played); tempo in beats per minute; `tempo_ratio` is the bar's tempo
    over the take's median; dynamics are class names (pp ... ff)."""

    number: int
    repeat: int
    start_beat: float
    end_beat: float
    start_s: float
    end_s: float
    written_notes: int
    wrong_notes: int
    missed_notes: int
    extra_notes: int
    bpm: float | None
    tempo_ratio: float | None
    marked_dynamic: str | None
    played_dynamic: str | None
    marked_articulation: str | None
    played_articulation: str | None

    def to_json_dict(self) -> dict:
        return {
            "bar": self.number,
            "repeat": self.repeat,
            "start_beat": round(self.start_beat, 4),
            "end_beat": round(self.end_beat, 4),
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "written_notes": self.written_notes,
            "wrong_notes": self.wrong_notes,
            "missed_notes": self.missed_notes,
            "extra_notes": self.extra_notes,
            "bpm": None if self.bpm is None else round(self.bpm, 1),
            "tempo_ratio": None if self.tempo_ratio is None else round(self.tempo_ratio, 3),
            "marked_dynamic": self.marked_dynamic,
            "played_dynamic": self.played_dynamic,
            "marked_articulation": self.marked_articulation,
            "played_articulation": self.played_articulation,
        }


@dataclass(frozen=True)
class Finding:
    """Something that departs from the score, over bars `first_bar`..`last_bar` (the
    `repeat`-th time through them)."""

    kind: str
    first_bar: int
    last_bar: int
    text: str
    repeat: int = 1

    def to_json_dict(self) -> dict:
        return {
            "kind": self.kind,
            "first_bar": self.first_bar,
            "last_bar": self.last_bar,
            "repeat": self.repeat,
            "text": self.text,
        }


def bar_results(
    score: Score,
    notes: Sequence[NoteResult],
    extras: Sequence[ExtraNote],
    time_map: TimeMap,
    levels_db: dict[int, float | None] | None = None,
) -> tuple[BarResult, ...]:
    """Measure every bar of the score in the take. `levels_db` (per bar index, from the
    audio) judges loudness; without it the transcribed velocities do."""
    by_bar: dict[int, list[NoteResult]] = {}
    for note in notes:
        by_bar.setdefault(note.bar_index, []).append(note)
    extra_count: dict[int, int] = {}
    for extra in extras:
        extra_count[extra.bar_index] = extra_count.get(extra.bar_index, 0) + 1
    dynamics = {n.id: n.dynamic for n in score.notes}
    marked = {b: _marked_class([dynamics[n.id] for n in ns]) for b, ns in by_bar.items()}
    if levels_db is None:
        levels_db = {b: _bar_level_db(ns) for b, ns in by_bar.items()}
    gaps = [
        level - _velocity_db(CLASS_VELOCITY[marked[b]])
        for b, level in levels_db.items()
        if level is not None and marked.get(b) is not None
    ]
    level_offset_db = float(np.median(gaps)) if gaps else 0.0
    bpms = [time_map.bar_bpm(bar) for bar in score.bars]
    known = [bpm for bpm in bpms if bpm is not None]
    median_bpm = float(np.median(known)) if known else None
    marks = {n.id: (n.staccato, n.slurred) for n in score.notes}
    results = []
    for index, bar in enumerate(score.bars):
        bar_notes = by_bar.get(index, [])
        bpm = bpms[index]
        articulation = _articulation(bar_notes, marks)
        results.append(
            BarResult(
                number=bar.number,
                repeat=bar.repeat,
                start_beat=bar.start_beat,
                end_beat=bar.end_beat,
                start_s=time_map.time_s(bar.start_beat),
                end_s=time_map.time_s(bar.end_beat),
                written_notes=len(bar_notes),
                wrong_notes=sum(n.status == WRONG_PITCH for n in bar_notes),
                missed_notes=sum(n.status == MISSED for n in bar_notes),
                extra_notes=extra_count.get(index, 0),
                bpm=bpm,
                tempo_ratio=bpm / median_bpm if bpm and median_bpm else None,
                marked_dynamic=marked.get(index),
                played_dynamic=_played_class(levels_db.get(index), level_offset_db),
                marked_articulation=articulation[0],
                played_articulation=articulation[1],
            )
        )
    return tuple(results)


def _velocity_db(velocity: float) -> float:
    return VELOCITY_DB_PER_DECADE * float(np.log10(max(velocity, 1.0)))


def _bar_level_db(notes: Sequence[NoteResult]) -> float | None:
    velocities = [n.velocity for n in notes if n.status == PLAYED and n.velocity]
    return float(np.median([_velocity_db(v) for v in velocities])) if velocities else None


def _marked_class(markings: Sequence[str | None]) -> str | None:
    classes = [MARKING_CLASS[m] for m in markings if m]
    return max(set(classes), key=classes.count) if classes else None


def _played_class(level: float | None, offset_db: float) -> str | None:
    if level is None:
        return None
    distances = [abs(level - offset_db - _velocity_db(CLASS_VELOCITY[c])) for c in DYNAMIC_CLASSES]
    return DYNAMIC_CLASSES[int(np.argmin(distances))]


def _articulation(
    notes: Sequence[NoteResult], marks: dict[str, tuple[bool, bool]]
) -> tuple[str | None, str | None]:
    """(marked, played) articulation of a bar: staccato from dots, legato from slurs, when
    they cover at least half its notes; played is judged from the audio's sustain drop."""
    for marked, index in (("staccato", 0), ("legato", 1)):
        marked_notes = [n for n in notes if marks[n.id][index]]
        if len(marked_notes) * 2 < len(notes) or not marked_notes:
            continue
        drops = [n.sustain_drop_db for n in marked_notes if n.sustain_drop_db is not None]
        if not drops:
            return marked, None
        detached = float(np.median(drops)) >= DETACHED_DROP_DB
        return marked, "staccato" if detached else "legato"
    return None, None


def findings(
    score: Score,
    bars: Sequence[BarResult],
    notes: Sequence[NoteResult],
    played_bpm: float | None,
) -> tuple[Finding, ...]:
    """Everything worth saying, bar by bar, in KINDS order then bar order."""
    found = _note_findings(notes, bars)
    found += _runs(
        bars,
        "tempo",
        lambda b: _tempo_word(b.tempo_ratio),
        lambda where, plural, word, run: (
            f"{where} {'are' if plural else 'is'} {abs(1 - _mean_ratio(run)):.0%} {word} than "
            f"the rest ({_mean_bpm(run):.0f} instead of {played_bpm or 0:.0f} BPM)."
        ),
    )
    found += _runs(
        bars,
        "dynamics",
        lambda b: (b.marked_dynamic, b.played_dynamic) if _dynamic_off(b) else None,
        lambda where, plural, key, run: (
            f"{where} {'are' if plural else 'is'} marked {key[0]} but played {key[1]}."
        ),
    )
    found += _runs(
        bars,
        "articulation",
        lambda b: (
            b.marked_articulation
            if b.played_articulation and b.played_articulation != b.marked_articulation
            else None
        ),
        lambda where, plural, marked, run: (
            f"{where} {'are' if plural else 'is'} marked {marked} but "
            + ("the notes are detached." if marked == "legato" else "played legato.")
        ),
    )
    found += _rhythm_findings(notes, bars)
    found += [
        _finding(
            "extra_notes",
            bar,
            bar,
            f"{_bars_text(bar, bar)}: {bar.extra_notes} extra "
            f"note{'s' if bar.extra_notes > 1 else ''}.",
        )
        for bar in bars
        if bar.extra_notes
    ]
    position = {(bar.number, bar.repeat): index for index, bar in enumerate(bars)}
    return tuple(
        sorted(found, key=lambda f: (KINDS.index(f.kind), position[(f.first_bar, f.repeat)]))
    )


def _finding(kind: str, first: BarResult, last: BarResult, text: str) -> Finding:
    return Finding(kind, first.number, last.number, text, first.repeat)


def _note_findings(notes: Sequence[NoteResult], bars: Sequence[BarResult]) -> list[Finding]:
    by_bar: dict[int, list[str]] = {}
    for note in notes:
        if note.status == WRONG_PITCH and note.played_midi is not None:
            by_bar.setdefault(note.bar_index, []).append(
                f"{note_name(note.played_midi)} instead of {note_name(note.midi)}"
            )
        elif note.status == MISSED:
            by_bar.setdefault(note.bar_index, []).append(f"{note_name(note.midi)} left out")
    return [
        _finding(
            "notes",
            bars[index],
            bars[index],
            f"{_bars_text(bars[index], bars[index])}: {', '.join(parts)}.",
        )
        for index, parts in sorted(by_bar.items())
    ]


def _rhythm_findings(notes: Sequence[NoteResult], bars: Sequence[BarResult]) -> list[Finding]:
    """The most uneven onset of each bar, judged on the median deviation of the notes written
    together (one note of a chord heard late is more often the transcription than the hand);
    of an even count's two middle deviations the one nearer zero, so that of two notes one
    heard early (a held bass key the transcription reports again at the melody's attack) and
    one on time, the onset is on time."""
    groups: dict[float, list[NoteResult]] = {}
    for note in notes:
        if note.onset_deviation_beats is not None:
            groups.setdefault(note.onset_beat, []).append(note)
    worst: dict[int, tuple[float, float]] = {}
    for onset_beat, group in groups.items():
        deviation = _cautious_median([n.onset_deviation_beats for n in group])
        index = group[0].bar_index
        if abs(deviation) >= RHYTHM_MIN_BEATS and abs(deviation) > abs(
            worst.get(index, (0.0, 0.0))[1]
        ):
            worst[index] = (onset_beat, deviation)
    return [
        _finding(
            "rhythm",
            bars[index],
            bars[index],
            f"{_bars_text(bars[index], bars[index])}: the notes on beat "
            f"{onset_beat - bars[index].start_beat + 1:g} come {abs(deviation):.1f} beat "
            f"{'late' if deviation > 0 else 'early'}.",
        )
        for index, (onset_beat, deviation) in sorted(worst.items())
    ]


def _cautious_median(values: Sequence[float]) -> float:
    """The median; of an even count's two middle values the one nearer zero (zero when they
    lie either side of it)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    low, high = ordered[middle - 1], ordered[middle]
    return 0.0 if low * high <= 0 else float(min(low, high, key=abs))


def _tempo_word(ratio: float | None) -> str | None:
    if ratio is None or abs(ratio - 1) < TEMPO_MIN_CHANGE:
        return None
    return "slower" if ratio < 1 else "faster"


def _dynamic_off(bar: BarResult) -> bool:
    if bar.marked_dynamic is None or bar.played_dynamic is None:
        return False
    if bar.marked_dynamic == bar.played_dynamic:
        return False
    gap_db = _velocity_db(CLASS_VELOCITY[bar.played_dynamic]) - _velocity_db(
        CLASS_VELOCITY[bar.marked_dynamic]
    )
    return abs(gap_db) >= DYNAMIC_MIN_DB


def _runs(
    bars: Sequence[BarResult],
    kind: str,
    key: Callable[[BarResult], object],
    text: Callable[[str, bool, object, list[BarResult]], str],
) -> list[Finding]:
    """One finding per run of consecutive bars with the same non-None key; `text` gets the
    bars as words ("Bars 5–8"), whether they are several, the key and the run."""
    result = []
    run: list[BarResult] = []
    for bar in [*bars, None]:
        value = key(bar) if bar is not None else None
        if run and (bar is None or value != key(run[0])):
            words = _bars_text(run[0], run[-1])
            result.append(
                _finding(kind, run[0], run[-1], text(words, len(run) > 1, key(run[0]), run))
            )
            run = []
        if value is not None and bar is not None:
            run.append(bar)
    return result


def _bars_text(first: BarResult, last: BarResult) -> str:
    """'Bar 5', 'Bars 5–8', with ' (repeat)' the second time through."""
    words = f"Bar {first.number}" if first is last else f"Bars {first.number}–{last.number}"
    return words + (" (repeat)" if first.repeat > 1 else "")


def _mean_ratio(run: Sequence[BarResult]) -> float:
    return float(np.mean([b.tempo_ratio for b in run if b.tempo_ratio is not None]))


def _mean_bpm(run: Sequence[BarResult]) -> float:
    return float(np.mean([b.bpm for b in run if b.bpm is not None]))


def headline(found: Sequence[Finding], score: Score, played_bpm: float | None) -> tuple[str, ...]:
    """The three sentences a teacher would say first: the most important kinds of problem,
    one sentence each, in KINDS order; praise when there is nothing to fix."""
    sentences = []
    marked = score.marked_bpm
    if marked and played_bpm and abs(played_bpm / marked - 1) >= MARKED_TEMPO_MIN_CHANGE:
        word = "slower" if played_bpm < marked else "faster"
        sentences.append(
            f"The piece is marked {marked:.0f} BPM and was played {word}, at about "
            f"{played_bpm:.0f}."
        )
    for kind in KINDS:
        of_kind = [f for f in found if f.kind == kind]
        if of_kind:
            sentences.append(_kind_sentence(kind, of_kind))
    if not sentences:
        sentences.append("Notes, tempo, dynamics and articulation all follow the score.")
    return tuple(sentences[:3])


def _kind_sentence(kind: str, of_kind: Sequence[Finding]) -> str:
    bars = sorted({f.first_bar for f in of_kind})
    if kind == "notes":
        where = f"bar {bars[0]}" if len(bars) == 1 else f"bars {_list(bars)}"
        return f"Check the notes in {where}: {of_kind[0].text.split(': ', 1)[1]}"
    if kind == "extra_notes":
        return f"Extra notes crept into {'bar' if len(bars) == 1 else 'bars'} {_list(bars)}."
    if len(of_kind) == 1:
        return of_kind[0].text
    others = [_span(f.first_bar, f.last_bar) for f in of_kind[1:]]
    noun = "bar" if len(others) == 1 and "–" not in others[0] else "bars"
    return f"{of_kind[0].text[:-1]}; see also {noun} {_list_words(others)}."


def _list(numbers: Sequence[int]) -> str:
    return _list_words([str(n) for n in numbers])


def _list_words(words: Sequence[str]) -> str:
    """'3', '3 and 7', '3, 7 and 9'; more than five end in an ellipsis."""
    shown = list(words[:5]) + (["…"] if len(words) > 5 else [])
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else shown[0]


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"
