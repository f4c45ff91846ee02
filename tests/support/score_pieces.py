"""Short piano pieces written as MusicXML with partitura, and performances of them.

`write_piece` builds a two-staff piece (a melody over a bass line) with time signature, tempo,
dynamics, slurs and staccato dots and saves it with partitura's MusicXML writer. `perform`
plays a loaded `Score` as MIDI notes the way a careful pianist would (the tempo marked, the
printed dynamics as velocities, staccato short, slurred notes held to the next onset),
optionally with planted faults, and returns for each score note which performed note plays
it (the ground truth).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import partitura as pt
import partitura.score as ps

from pianoscope.dsp.notes import NoteEvent
from pianoscope.score.loading import Score

# MIDI velocity played for each printed dynamic: the middle of its class in DESIGN.md.
MARKING_VELOCITY = {"pp": 30, "p": 50, "mp": 64, "mf": 72, "f": 95, "ff": 115}
STEPS = (("C", 0), ("C", 1), ("D", 0), ("E", -1), ("E", 0), ("F", 0), ("F", 1), ("G", 0))
STEPS += (("A", -1), ("A", 0), ("B", -1), ("B", 0))
C_MAJOR = (0, 2, 4, 5, 7, 9, 11)
STACCATO_LENGTH = 0.3
PLAIN_LENGTH = 0.9
DIVISIONS = 4  # per quarter: sixteenths are the finest value written


@dataclass(frozen=True)
class PieceSpec:
    """What a test piece contains; bars are numbered from 1."""

    bars: int = 16
    beats_per_bar: int = 4
    tempo_bpm: float = 120.0
    seed: int = 16
    dynamics: dict[int, str] = field(
        default_factory=lambda: {1: "mf", 5: "p", 9: "f", 11: "mf", 12: "p", 13: "mf"}
    )
    slurred_bars: tuple[int, ...] = (5, 6)
    staccato_bars: tuple[int, ...] = (9, 10)
    bass_chords: bool = False
    repeat_bars: tuple[int, int] | None = None  # first and last bar between repeat signs


def write_piece(path: Path, spec: PieceSpec) -> Path:
    """Write the piece of `spec` as MusicXML to `path`."""
    rng = np.random.default_rng(spec.seed)
    part = ps.Part("P1", "Piano", quarter_duration=DIVISIONS)
    part.add(ps.TimeSignature(spec.beats_per_bar, 4), 0)
    part.add(ps.Tempo(spec.tempo_bpm, "q"), 0)
    bar_div = spec.beats_per_bar * DIVISIONS
    degree = 7
    slur_notes: list[ps.Note] = []
    for bar in range(1, spec.bars + 1):
        start = (bar - 1) * bar_div
        if bar in spec.dynamics:
            part.add(ps.ConstantLoudnessDirection(spec.dynamics[bar], staff=1), start)
        for onset, length in _rhythm(rng, spec.beats_per_bar, staccato=bar in spec.staccato_bars):
            degree = int(np.clip(degree + rng.integers(-2, 3), 2, 11))
            note = _note(_degree_midi(degree, 60), f"r{bar}-{onset}", staff=1, voice=1)
            if bar in spec.staccato_bars:
                note.articulations = ["staccato"]
            part.add(note, start + onset, start + onset + length)
            if bar in spec.slurred_bars:
                slur_notes.append(note)
        root = int(rng.integers(0, 7))
        for beat in range(0, spec.beats_per_bar, 2):
            bass = [root, root + 4] if spec.bass_chords and beat == 0 else [root + 2 * beat]
            length = min(2, spec.beats_per_bar - beat) * DIVISIONS
            for k, step in enumerate(bass):
                note = _note(_degree_midi(step, 36), f"l{bar}-{beat}-{k}", staff=2, voice=5)
                part.add(note, start + beat * DIVISIONS, start + beat * DIVISIONS + length)
    if spec.repeat_bars is not None:
        first, last = spec.repeat_bars
        part.add(ps.Repeat(), (first - 1) * bar_div, last * bar_div)
    if slur_notes:
        part.add(
            ps.Slur(slur_notes[0], slur_notes[-1]), slur_notes[0].start.t, slur_notes[-1].start.t
        )
    ps.add_measures(part)
    pt.save_musicxml(part, str(path))
    return path


def _rhythm(rng: np.random.Generator, beats: int, *, staccato: bool) -> list[tuple[int, int]]:
    """(onset, length) in divisions for one bar of melody: quarters and eighths."""
    pattern = []
    for beat in range(beats):
        halves = bool(rng.integers(0, 2)) or staccato
        if halves:
            pattern += [(beat * DIVISIONS, 2), (beat * DIVISIONS + 2, 2)]
        else:
            pattern.append((beat * DIVISIONS, DIVISIONS))
    return pattern


def _degree_midi(degree: int, tonic_midi: int) -> int:
    return tonic_midi + 12 * (degree // 7) + C_MAJOR[degree % 7]


def _note(midi: int, note_id: str, *, staff: int, voice: int) -> ps.Note:
    step, alter = STEPS[midi % 12]
    return ps.Note(
        step=step, alter=alter or None, octave=midi // 12 - 1, id=note_id, staff=staff, voice=voice
    )


@dataclass(frozen=True)
class PerformedNote:
    onset_s: float
    offset_s: float
    midi: int
    velocity: int


@dataclass(frozen=True)
class Performance:
    """MIDI notes, and per score note the index of the performed note that plays it (None
    when skipped) and whether it is played with another pitch."""

    notes: tuple[PerformedNote, ...]
    plays: tuple[int | None, ...]
    wrong_pitch: tuple[bool, ...]


@dataclass(frozen=True)
class Faults:
    """Planted mistakes: score note indices played a semitone or two off or skipped,
    a tempo factor per bar (0.87 is 15 % slower), bars played at another dynamic, bars
    whose staccato notes are held (legato), and unwritten keys struck with a score note
    (score note index -> semitones from it; same velocity and length)."""

    wrong: dict[int, int] = field(default_factory=dict)
    skipped: frozenset[int] = frozenset()
    bar_tempo_factor: dict[int, float] = field(default_factory=dict)
    bar_dynamic: dict[int, str] = field(default_factory=dict)
    legato_bars: frozenset[int] = frozenset()
    added: dict[int, int] = field(default_factory=dict)


def as_events(notes: tuple[PerformedNote, ...]) -> list[NoteEvent]:
    """Performed notes as a perfect transcription would give them (for tests without audio)."""
    return [NoteEvent(n.onset_s, n.offset_s, n.midi, n.velocity, 1.0) for n in notes]


def perform(score: Score, faults: Faults = Faults(), *, lead_in_s: float = 0.5) -> Performance:
    """Play `score` at its marked tempo with `faults`."""
    bars = score.bars
    seconds_per_beat = [
        60.0 / (score.marked_bpm or 120.0) / faults.bar_tempo_factor.get(bar.number, 1.0)
        for bar in bars
    ]
    bar_start_s = np.concatenate(
        [
            [lead_in_s],
            lead_in_s
            + np.cumsum(
                [
                    (b.end_beat - b.start_beat) * s
                    for b, s in zip(bars, seconds_per_beat, strict=True)
                ]
            ),
        ]
    )

    def time_s(beat: float) -> float:
        index = min(
            int(np.searchsorted([b.start_beat for b in bars], beat, "right")) - 1, len(bars) - 1
        )
        return float(bar_start_s[index] + (beat - bars[index].start_beat) * seconds_per_beat[index])

    notes: list[PerformedNote] = []
    plays: list[int | None] = []
    wrong: list[bool] = []
    for index, note in enumerate(score.notes):
        if index in faults.skipped:
            plays.append(None)
            wrong.append(False)
            continue
        held = note.slurred or note.bar in faults.legato_bars
        length = 1.0 if held else STACCATO_LENGTH if note.staccato else PLAIN_LENGTH
        onset_s = time_s(note.onset_beat)
        offset_s = time_s(note.onset_beat + note.duration_beat * length)
        marking = faults.bar_dynamic.get(note.bar, note.dynamic or "mf")
        midi = note.midi + faults.wrong.get(index, 0)
        plays.append(len(notes))
        wrong.append(index in faults.wrong)
        notes.append(PerformedNote(onset_s, offset_s, midi, MARKING_VELOCITY[marking]))
        if index in faults.added:
            slip = note.midi + faults.added[index]
            notes.append(PerformedNote(onset_s, offset_s, slip, MARKING_VELOCITY[marking]))
    return Performance(tuple(notes), tuple(plays), tuple(wrong))


PIECE_A = PieceSpec()
PIECE_B = PieceSpec(
    bars=24,
    beats_per_bar=3,
    tempo_bpm=100.0,
    seed=3,
    dynamics={1: "p", 7: "f", 13: "mf", 19: "pp"},
    slurred_bars=(3, 4),
    staccato_bars=(15, 16),
    bass_chords=True,
)


def tempo_swing(score: Score, depth: float = 0.2) -> dict[int, float]:
    """A tempo factor per bar swinging once between 1 - depth and 1 + depth."""
    count = len(score.bars)
    return {
        bar.number: 1.0 + depth * float(np.sin(2 * np.pi * k / max(count - 1, 1)))
        for k, bar in enumerate(score.bars)
    }


def planted_errors(score: Score, share: float, seed: int) -> Faults:
    """`share` of the notes wrong (half, a semitone or tone off) or skipped (half), at random,
    with the tempo swinging by ±20 %."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(score.notes), size=round(share * len(score.notes)), replace=False)
    half = len(chosen) // 2
    return Faults(
        wrong={int(i): int(rng.choice([-2, -1, 1, 2])) for i in chosen[:half]},
        skipped=frozenset(int(i) for i in chosen[half:]),
        bar_tempo_factor=tempo_swing(score),
    )
