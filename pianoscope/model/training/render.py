"""Render MIDI to audio with FluidSynth and the three Debian SoundFonts (the training sources).

FluidSynth's own reverb and chorus are switched off so that renderings are dry and deterministic;
room sound is added later, under a seed, by augmentation.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import mido
import numpy as np

from pianoscope.audio.fileio import load_audio
from pianoscope.errors import PianoscopeError
from pianoscope.model.training.midi_gen import Phrase

SAMPLE_RATE_HZ = 44_100
RENDER_TIMEOUT_S = 600.0
RENDER_TIMEOUT_PER_MUSIC_S = 20.0  # seconds of rendering allowed per second of music

SOUNDFONT_DIRS = (Path("/usr/share/sounds/sf2"), Path("/usr/share/sounds/sf3"))
FLUIDR3 = "FluidR3_GM.sf2"
MUSESCORE_LITE = "MuseScore_General_Lite.sf3"
MUSESCORE_FULL = "MuseScore_General_Full.sf3"  # Debian musescore-general-soundfont (HQ)
TIMGM = "TimGM6mb.sf2"


class RenderError(PianoscopeError):
    """FluidSynth or a SoundFont is missing, or the rendering failed."""


@dataclass(frozen=True)
class Instrument:
    """A General MIDI program (in a bank, 0 unless a variation) of one SoundFont."""

    soundfont: str
    program: int
    bank: int = 0


PIANOS: dict[str, Instrument] = {
    "grand-fluidr3": Instrument(FLUIDR3, 0),
    "grand-musescore": Instrument(MUSESCORE_LITE, 0),
    "grand-timgm": Instrument(TIMGM, 0),
    "honkytonk-fluidr3": Instrument(FLUIDR3, 3),
}


def soundfont_path(name: str) -> Path:
    """Absolute path of a SoundFont installed by the Debian packages named in the README."""
    for folder in SOUNDFONT_DIRS:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise RenderError(
        f"SoundFont {name} is not installed. Install the Debian packages fluid-soundfont-gm, "
        "musescore-general-soundfont-small and timgm6mb-soundfont (make install does this)."
    )


@cache
def fluidsynth_version() -> str:
    """The installed FluidSynth's version, e.g. "2.3.1" (Debian's package is not pinned, and a
    new one may render the same MIDI otherwise); "not installed" without one."""
    try:
        finished = subprocess.run(
            ["fluidsynth", "--version"], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not installed"
    return finished.stdout.split("\n", 1)[0].removeprefix("FluidSynth runtime version ").strip()


def render_midi(
    midi_path: Path,
    soundfont: str,
    *,
    gain: float = 0.5,
    sample_rate_hz: int = SAMPLE_RATE_HZ,
    timeout_s: float | None = None,
) -> np.ndarray:
    """Render a MIDI file dry with FluidSynth; returns float32 mono samples at `sample_rate_hz`.

    A render that takes longer than `timeout_s` (default: `render_timeout_s` of the file) is
    stopped and reported as a RenderError.
    """
    executable = shutil.which("fluidsynth")
    if executable is None:
        raise RenderError("FluidSynth is not installed (Debian package fluidsynth).")
    with tempfile.TemporaryDirectory(prefix="pianoscope-render-") as tmp:
        wav_path = Path(tmp) / "render.wav"
        command = [
            executable,
            "-ni",
            "-q",
            "-R",
            "0",
            "-C",
            "0",
            "-g",
            str(gain),
            "-r",
            str(sample_rate_hz),
            "-F",
            str(wav_path),
            "-O",
            "float",
            str(soundfont_path(soundfont)),
            str(midi_path),
        ]
        limit_s = render_timeout_s(midi_path) if timeout_s is None else timeout_s
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, check=False, timeout=limit_s
            )
        except subprocess.TimeoutExpired as error:
            raise RenderError(
                f"FluidSynth took longer than {limit_s:.0f} s to render {midi_path.name}; "
                "it was stopped (is the machine very busy?)."
            ) from error
        if result.returncode != 0 or not wav_path.is_file():
            raise RenderError(f"FluidSynth failed on {midi_path.name}: {result.stderr.strip()}")
        return load_audio(wav_path, sample_rate_hz=sample_rate_hz)


def render_timeout_s(midi_path: Path) -> float:
    """How long a render of this file may take: 10 minutes, or 20 times the music's length.

    FluidSynth renders far faster than real time; the limit only ends a render that hangs, so
    it grows with the music: a fixed 600 s once stopped a training set's long phrase file on a
    saturated machine (while its process was paused), and the exception was not a RenderError.
    """
    return max(RENDER_TIMEOUT_S, RENDER_TIMEOUT_PER_MUSIC_S * mido.MidiFile(midi_path).length)


@dataclass(frozen=True)
class MidiSlot:
    """One phrase to render with a program, detuned by `detune_cents` through the pitch wheel.

    Detuning beyond the General MIDI bend range of ±2 semitones (up to ±`MAX_BEND_SEMITONES`)
    sets the channel's pitch-bend sensitivity for the slot (RPN 0).
    """

    phrase: Phrase
    program: int
    detune_cents: float = 0.0
    bank: int = 0


MIDI_TICKS_PER_S = 960  # 480 ticks per beat at the default 120 bpm
PITCH_BEND_RANGE_CENTS = 200.0  # the General MIDI default FluidSynth uses
MAX_BEND_SEMITONES = 24
_CONTROL_BANK = 0
_CONTROL_DATA_ENTRY = 6
_CONTROL_RPN_LSB = 100
_CONTROL_RPN_MSB = 101
_CONTROL_SUSTAIN = 64
_CONTROL_ALL_SOUND_OFF = 120
_CONTROL_ALL_NOTES_OFF = 123


def render_phrases(
    slots: Sequence[MidiSlot], soundfont: str, *, gap_s: float = 2.0, gain: float = 0.5
) -> list[np.ndarray]:
    """Render many phrases in one FluidSynth run and cut them apart.

    FluidSynth's start-up (loading the SoundFont) costs far more than rendering a few seconds,
    so the phrases are laid end to end with `gap_s` of silence after each, sound is cut off
    (all-sound-off) at the end of every gap, and each clip is returned as exactly its phrase's
    duration of float32 audio.
    """
    if not slots:
        return []
    starts_s = []
    time_s = 0.0
    for slot in slots:
        starts_s.append(time_s)
        time_s += slot.phrase.duration_s + gap_s
    with tempfile.TemporaryDirectory(prefix="pianoscope-midi-") as tmp:
        midi_path = Path(tmp) / "phrases.mid"
        _write_slots_midi(midi_path, slots, starts_s, gap_s)
        audio = render_midi(midi_path, soundfont, gain=gain)
    total = round(time_s * SAMPLE_RATE_HZ)
    if audio.size < total:
        audio = np.concatenate([audio, np.zeros(total - audio.size, dtype=np.float32)])
    clips = []
    for slot, start_s in zip(slots, starts_s, strict=True):
        first = round(start_s * SAMPLE_RATE_HZ)
        clips.append(audio[first : first + round(slot.phrase.duration_s * SAMPLE_RATE_HZ)])
    return clips


def _bend_range_cents(detune_cents: float) -> float:
    """The General MIDI ±2 semitones, or the whole semitones needed for a larger detuning."""
    if abs(detune_cents) < PITCH_BEND_RANGE_CENTS:
        return PITCH_BEND_RANGE_CENTS
    semitones = math.ceil(abs(detune_cents) / 100.0 + 1e-9)
    if semitones > MAX_BEND_SEMITONES:
        raise ValueError(f"detuning beyond ±{MAX_BEND_SEMITONES} semitones: {detune_cents}")
    return 100.0 * semitones


def _write_slots_midi(
    path: Path, slots: Sequence[MidiSlot], starts_s: Sequence[float], gap_s: float
) -> None:
    """One track on channel 0: per slot program, pitch bend, notes and pedal, then a reset."""
    events: list[tuple[int, int, mido.Message]] = []  # (tick, order, message)

    def add(time_s: float, order: int, message: mido.Message) -> None:
        events.append((round(time_s * MIDI_TICKS_PER_S), order, message))

    for slot, start_s in zip(slots, starts_s, strict=True):
        range_cents = _bend_range_cents(slot.detune_cents)
        bend = round(slot.detune_cents / range_cents * 8192)
        add(start_s, 0, mido.Message("control_change", control=_CONTROL_BANK, value=slot.bank))
        add(start_s, 0, mido.Message("program_change", program=slot.program))
        for control, value in (
            (_CONTROL_RPN_MSB, 0),
            (_CONTROL_RPN_LSB, 0),
            (_CONTROL_DATA_ENTRY, round(range_cents / 100.0)),
        ):
            add(start_s, 0, mido.Message("control_change", control=control, value=value))
        add(start_s, 0, mido.Message("pitchwheel", pitch=max(-8192, min(8191, bend))))
        for note in slot.phrase.notes:
            add(
                start_s + note.start_s,
                2,
                mido.Message("note_on", note=note.pitch, velocity=note.velocity),
            )
            add(
                start_s + note.start_s + note.duration_s,
                1,
                mido.Message("note_off", note=note.pitch, velocity=0),
            )
        for change_s, down in slot.phrase.pedal_changes:
            value = 127 if down else 0
            add(
                start_s + change_s,
                1,
                mido.Message("control_change", control=_CONTROL_SUSTAIN, value=value),
            )
        end_s = start_s + slot.phrase.duration_s
        add(end_s, 1, mido.Message("control_change", control=_CONTROL_SUSTAIN, value=0))
        add(end_s, 1, mido.Message("control_change", control=_CONTROL_ALL_NOTES_OFF, value=0))
        add(
            end_s + gap_s * 0.75,
            1,
            mido.Message("control_change", control=_CONTROL_ALL_SOUND_OFF, value=0),
        )
    add(
        starts_s[-1] + slots[-1].phrase.duration_s + gap_s,
        3,
        mido.Message("control_change", control=_CONTROL_ALL_SOUND_OFF, value=0),
    )
    events.sort(key=lambda event: (event[0], event[1]))
    midi = mido.MidiFile(ticks_per_beat=MIDI_TICKS_PER_S // 2)
    track = mido.MidiTrack()
    midi.tracks.append(track)
    previous_tick = 0
    for tick, _, message in events:
        track.append(message.copy(time=tick - previous_tick))
        previous_tick = tick
    midi.save(str(path))
