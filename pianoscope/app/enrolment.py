"""Enrol the teacher's own pianos and choose which classifier the app uses.

The GUI dialog and `pianoscope enrol` share this use case: recordings per piano name → audio →
a fine-tuned piano head (`pianoscope.model.enrolment`) → an enrolment file in the enrolment
folder. Which enrolment is in use is one small JSON file beside them; without it, or when the
enrolment no longer fits the shipped weights, the shipped classifier is used, so the default
never goes away.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from pianoscope.atomic_files import remove_stale_partials, replacing
from pianoscope.audio.fileio import load_audio
from pianoscope.errors import EnrolmentError, PianoscopeError
from pianoscope.progress import CancelToken, ProgressCallback, no_progress

if TYPE_CHECKING:  # torch is imported only when enrolling or loading a classifier
    from pianoscope.model.enrolled import EnrolledClassifier
    from pianoscope.model.inference import Classifier

log = logging.getLogger(__name__)

ACTIVE_NAME = "active.json"
LOADING_SHARE = 0.15  # of the progress bar, for reading the recordings
# Below this validation accuracy the teacher is told the pianos sound too alike (e.g. two
# programs of one SoundFont built from the same samples reach about 70 %).
RELIABLE_ACCURACY = 0.85
TOO_ALIKE = (
    "These pianos sound too alike to tell apart reliably; record longer and more varied "
    "playing, or keep the shipped model."
)
# A single piano that more than one in five windows of other pianos pass is not reliable.
RELIABLE_OTHERS_ACCEPTED = 0.20
TOO_LIKE_OTHERS = (
    "This piano sounds much like other pianos, so other pianos may be taken for it; record "
    "longer and more varied playing, or keep the shipped model."
)


@dataclass(frozen=True)
class PianoRecordings:
    """One piano to enrol: the teacher's name for it and recordings of it (1-2 minutes)."""

    name: str
    paths: tuple[Path, ...]


@dataclass(frozen=True)
class EnrolmentResult:
    """What an enrolment produced, for the dialog and the CLI to report."""

    path: Path
    names: tuple[str, ...]
    validation_accuracy: float  # windows of the held-out last fifth of each piano's audio
    audio_s: dict[str, float]  # seconds of recordings per piano
    seconds: float  # wall time of loading and fine-tuning
    others_accepted: float | None = None
    """One piano only: the share of the shipped other pianos' windows taken for it."""

    @property
    def reliable(self) -> bool:
        if self.others_accepted is not None and self.others_accepted > RELIABLE_OTHERS_ACCEPTED:
            return False
        return self.validation_accuracy >= RELIABLE_ACCURACY

    @property
    def advice(self) -> str:
        """What to do when the enrolment is not reliable; empty when it is."""
        if self.reliable:
            return ""
        return TOO_LIKE_OTHERS if self.others_accepted is not None else TOO_ALIKE

    def summary(self) -> str:
        """The result in sentences for the teacher (the dialog and the command line)."""
        share = f"{100 * self.validation_accuracy:.0f} %"
        if self.others_accepted is None:
            text = (
                f"{share} of the 2-second windows in the last fifth of each piano's recordings "
                "were recognised"
            )
        else:
            text = (
                f"{share} of the 2-second windows in the last fifth of the recordings were "
                f"recognised as {self.names[0]}, and "
                f"{100 * self.others_accepted:.0f} % of the windows of "
                "Pianoscope's own pianos would be taken for it; any other piano is reported as "
                '"another piano" (unknown in analyses)'
            )
        return f"{text} (learnt in {self.seconds:.0f} s). {self.advice}".rstrip()


def default_enrolment_folder() -> Path:
    """Where enrolments and the choice of the active one live (the user data folder)."""
    return platformdirs.user_data_path("pianoscope") / "enrolments"


def enrol_pianos(
    pianos: Sequence[PianoRecordings],
    folder: Path | None = None,
    *,
    weights_path: Path | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> EnrolmentResult:
    """Load each piano's recordings, fine-tune the piano head and save the enrolment file.

    The new enrolment is not put into use: the teacher first sees its validation accuracy
    (see `use_enrolment`). Raises EnrolmentError or AudioFileError with a sentence for the
    teacher, and `Cancelled` when `cancel` is set.
    """
    from pianoscope.model.enrolled import save_enrolment
    from pianoscope.model.enrolment import (
        ENROLMENT_SUFFIX,
        enrol,
        trunk_fingerprint,
        validate_names,
    )
    from pianoscope.model.inference import WEIGHTS_NAME
    from pianoscope.model.other_pianos import load_other_pianos, other_pianos_path
    from pianoscope.model.weights import load_weights
    from pianoscope.resources_path import resource_path

    started_s = time.monotonic()
    validate_names([piano.name for piano in pianos])
    for piano in pianos:
        if not piano.paths:
            raise EnrolmentError(f"Choose at least one recording of {piano.name}.")
    files = sum(len(piano.paths) for piano in pianos)
    audio: dict[str, list] = {}
    loaded_files = 0
    for piano in pianos:
        recordings = audio.setdefault(piano.name, [])
        for path in piano.paths:
            if cancel is not None:
                cancel.check("Enrolment")
            recordings.append(load_audio(path))
            loaded_files += 1
            progress(LOADING_SHARE * loaded_files / files)
    weights_path = weights_path or resource_path(WEIGHTS_NAME)
    network = load_weights(weights_path).network
    others = None
    if len(pianos) == 1:
        others = load_other_pianos(other_pianos_path(weights_path), trunk_fingerprint(network))
    enrolment = enrol(
        audio,
        network,
        others=others,
        progress=lambda f: progress(LOADING_SHARE + (1.0 - LOADING_SHARE) * f),
        cancel=cancel,
    )
    folder = folder or default_enrolment_folder()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = save_enrolment(folder / f"pianos-{stamp}{ENROLMENT_SUFFIX}", enrolment)
    seconds = time.monotonic() - started_s
    log.info("enrolled %s into %s in %.1f s", enrolment.names, path, seconds)
    return EnrolmentResult(
        path=path,
        names=enrolment.names,
        validation_accuracy=enrolment.validation_accuracy,
        audio_s=dict(enrolment.metadata["seconds"]),
        seconds=seconds,
        others_accepted=None if others is None else enrolment.one_piano.others_accepted,
    )


def use_enrolment(enrolment_path: Path | None, folder: Path | None = None) -> None:
    """Use this enrolment's names from now on, or the shipped model again (None).

    The enrolment is checked first, so a damaged file is refused here rather than at the next
    start of the live view."""
    from pianoscope.model.enrolled import load_enrolment

    active = (folder or default_enrolment_folder()) / ACTIVE_NAME
    if enrolment_path is None:
        active.unlink(missing_ok=True)
        return
    load_enrolment(enrolment_path)
    remove_stale_partials(active.parent)
    with replacing(active) as handle:
        handle.write(json.dumps({"enrolment": str(Path(enrolment_path).resolve())}).encode())


def active_enrolment(folder: Path | None = None) -> Path | None:
    """The enrolment the teacher chose to use, or None for the shipped model."""
    active = (folder or default_enrolment_folder()) / ACTIVE_NAME
    try:
        chosen = json.loads(active.read_text())["enrolment"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("ignoring the unreadable choice of enrolment %s: %s", active, error)
        return None
    return Path(chosen) if isinstance(chosen, str) else None


def user_classifier(
    folder: Path | None = None, *, threads: int | None = 1
) -> Classifier | EnrolledClassifier:
    """The teacher's classifier, the one place that decides it for the live view, offline
    analysis, review and the library: the enrolled pianos if the teacher chose an enrolment,
    else the shipped classifier. An enrolment that no longer loads (deleted, or made for older
    weights) falls back to the shipped model with a warning in the log. Loads torch."""
    from pianoscope.model.enrolled import EnrolledClassifier
    from pianoscope.model.inference import Classifier

    remove_stale_partials(folder or default_enrolment_folder())
    chosen = active_enrolment(folder)
    if chosen is not None:
        try:
            return EnrolledClassifier.load(chosen, threads=threads)
        except PianoscopeError as error:
            log.warning("using the shipped classifier: %s", error)
    return Classifier(threads=threads)


def active_classifier_loader(
    folder: Path | None = None, *, threads: int | None = 1
) -> Callable[[], Classifier | EnrolledClassifier]:
    """A `load_classifier` for the live engine: `user_classifier`, loaded when the engine
    starts (so a new choice of enrolment counts from the next Start)."""
    return lambda: user_classifier(folder, threads=threads)
