"""Render the bundled demo recording, resources/demo.flac, from a MIDI score written here.

About 24 s of FluidR3_GM's grand piano: a legato melody (p), staccato (mf), block chords (f) and
arpeggios (mf), so every panel of the app has something to show. Deterministic: the same score,
FluidSynth and SoundFont give the same file. Run: python scripts/make_demo_recording.py

The level follows the classifier's training convention (`pianoscope.model.calibration`): the mf
staccato passage calibrates to an offset of 0 dB, so the demo, like a calibrated input, is given
the intensities it was written with (a peak-normalised demo read one class too loud).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import mido
import numpy as np

from pianoscope.audio.fileio import write_audio
from pianoscope.model.calibration import calibrate
from pianoscope.model.training.render import FLUIDR3, render_midi

TICKS_PER_BEAT = 480
TEMPO_BPM = 96
SAMPLE_RATE_HZ = 44_100
STACCATO_VELOCITY = 72  # the mf single notes the level is calibrated on
OUT = Path(__file__).resolve().parent.parent / "resources" / "demo.flac"

# (start beat, length in beats, MIDI pitches, velocity)
Note = tuple[float, float, tuple[int, ...], int]


def score() -> list[Note]:
    notes: list[Note] = []
    melody = [60, 62, 64, 65, 67, 69, 67, 65, 64, 62, 60, 59, 60]
    for i, pitch in enumerate(melody):  # legato, overlapping slightly, p
        notes.append((i * 0.75, 0.85, (pitch,), 48))
    start = len(melody) * 0.75 + 0.5
    for i, pitch in enumerate([67, 67, 69, 67, 72, 71, 67, 67, 69, 67, 74, 72]):  # staccato, mf
        notes.append((start + i * 0.5, 0.15, (pitch,), STACCATO_VELOCITY))
    start += 12 * 0.5 + 0.5
    for i, chord in enumerate(
        [(48, 60, 64, 67), (53, 60, 65, 69), (55, 59, 62, 67), (48, 60, 64, 72)]
    ):
        notes.append((start + i * 1.5, 1.3, chord, 96))  # block chords, f
    start += 4 * 1.5 + 0.5
    for i, root in enumerate([48, 45, 41, 43]):  # arpeggios, mf
        for j, step in enumerate((0, 7, 12, 16, 19, 24)):
            notes.append((start + i * 1.5 + j * 0.25, 0.6, (root + step,), 70))
    return notes


def write_midi(path: Path) -> None:
    midi = mido.MidiFile(ticks_per_beat=TICKS_PER_BEAT)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(TEMPO_BPM)))
    track.append(mido.Message("program_change", program=0, channel=0))
    events: list[tuple[int, int, mido.Message]] = []
    for start, length, pitches, velocity in score():
        on = round(start * TICKS_PER_BEAT)
        off = round((start + length) * TICKS_PER_BEAT)
        for pitch in pitches:
            events.append((on, 1, mido.Message("note_on", note=pitch, velocity=velocity)))
            events.append((off, 0, mido.Message("note_off", note=pitch, velocity=0)))
    now = 0
    for tick, _order, message in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=TICKS_PER_BEAT * 4))
    midi.save(str(path))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        midi_path = Path(tmp) / "demo.mid"
        write_midi(midi_path)
        audio = render_midi(midi_path, FLUIDR3, gain=0.6)
    staccato = [(at, at + length) for at, length, _, v in score() if v == STACCATO_VELOCITY]
    start_s, end_s = (beat * 60.0 / TEMPO_BPM for beat in (staccato[0][0], staccato[-1][1]))
    mf_passage = audio[round(start_s * SAMPLE_RATE_HZ) : round(end_s * SAMPLE_RATE_HZ)]
    offset_db = calibrate(mf_passage).offset_db
    scaled = audio * 10.0 ** (-offset_db / 20.0)
    write_audio(OUT, scaled)
    peak_db = 20.0 * np.log10(float(np.max(np.abs(scaled))))
    print(
        f"wrote {OUT} ({audio.size / SAMPLE_RATE_HZ:.1f} s, scaled by {-offset_db:+.1f} dB to the "
        f"training level convention, peak {peak_db:.1f} dBFS)"
    )


if __name__ == "__main__":
    main()
