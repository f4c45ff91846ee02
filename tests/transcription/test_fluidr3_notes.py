"""The shipped note model on FluidR3 renderings of melodies and chords (was the hand-made
pipeline's test: the same pieces, the same targets)."""

from __future__ import annotations

import mir_eval
import numpy as np
import pytest
from support.fluidr3_renders import Note, render_cached

from pianoscope.dsp.notes import NoteEvent
from pianoscope.dsp.pitch import midi_to_hz
from pianoscope.transcription.transcriber import transcribe_notes

CHORD_SHAPES = (
    (0, 4, 7),
    (0, 3, 7),
    (0, 4, 7, 10),
    (0, 3, 8),
    (0, 5, 9),
    (0, 4, 7, 11),
    (0, 3, 7, 12),
)


def melody(seed: int, count: int = 60) -> list[Note]:
    """A random walk of single notes, C2-F#6, 0.2-0.6 s apart, velocities 45-110."""
    rng = np.random.default_rng(seed)
    notes, time_s, midi = [], 0.3, 60
    for _ in range(count):
        midi = int(np.clip(midi + rng.integers(-5, 6), 36, 90))
        step_s = float(rng.choice([0.2, 0.3, 0.4, 0.6]))
        notes.append(Note(time_s, time_s + 0.9 * step_s, midi, int(rng.integers(45, 110))))
        time_s += step_s
    return notes


def chords(seed: int, count: int = 30) -> list[Note]:
    """Triads and seventh chords in root position with roots G2-B4, 0.5-1 s each."""
    rng = np.random.default_rng(seed)
    notes, time_s = [], 0.3
    for _ in range(count):
        root = int(rng.integers(43, 72))
        shape = CHORD_SHAPES[rng.integers(len(CHORD_SHAPES))]
        step_s = float(rng.choice([0.5, 0.75, 1.0]))
        velocity = int(rng.integers(50, 110))
        notes += [Note(time_s, time_s + 0.95 * step_s, root + s, velocity) for s in shape]
        time_s += step_s
    return notes


def note_f1(reference: list[Note], estimated: tuple[NoteEvent, ...]) -> tuple[float, float, float]:
    """mir_eval note matching on onset (50 ms) and pitch (exact semitone), offsets ignored."""
    ref_intervals = np.array([[n.onset_s, n.offset_s] for n in reference])
    ref_hz = np.array([midi_to_hz(n.midi) for n in reference])
    est_intervals = np.array([[n.onset_s, n.offset_s] for n in estimated]).reshape(-1, 2)
    est_hz = np.array([midi_to_hz(n.midi) for n in estimated])
    precision, recall, f1, _ = mir_eval.transcription.precision_recall_f1_overlap(
        ref_intervals,
        ref_hz,
        est_intervals,
        est_hz,
        onset_tolerance=0.05,
        pitch_tolerance=50.0,
        offset_ratio=None,
    )
    return precision, recall, f1


@pytest.mark.fluidsynth
@pytest.mark.parametrize(
    ("kind", "make", "target"), [("melody", melody, 0.85), ("chords", chords, 0.70)]
)
def test_note_events_on_fluidr3_renderings_reach_target_f1(tmp_path, kind, make, target) -> None:
    f1_scores = []
    for seed in (101, 202):
        reference = make(seed)
        samples = render_cached(reference, tmp_path)
        result = transcribe_notes(samples)
        precision, recall, f1 = note_f1(reference, result.notes)
        f1_scores.append(f1)
        print(
            f"\n{kind} seed {seed}: {len(reference)} notes, found {len(result.notes)}: "
            f"P {precision:.3f} R {recall:.3f} F1 {f1:.3f}"
        )
    assert min(f1_scores) >= target


@pytest.mark.fluidsynth
def test_louder_notes_get_higher_velocity_estimates(tmp_path) -> None:
    played = [Note(0.3 + i, 1.1 + i, 60, velocity) for i, velocity in enumerate((30, 60, 90, 120))]
    notes = transcribe_notes(render_cached(played, tmp_path)).notes
    velocities = [n.velocity for n in notes if n.midi == 60]
    print("velocity estimates for 30, 60, 90, 120:", velocities)
    assert len(velocities) == 4
    assert velocities == sorted(velocities) and len(set(velocities)) == 4
