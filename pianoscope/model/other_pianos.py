"""The other pianos: how pianos that are not the teacher's sit in the trunk's summary space.

A teacher who enrols a single piano gives no second piano to contrast it with, so Pianoscope
brings its own: renderings of every acoustic and electric grand program of the three training
SoundFonts (never the evaluation-only ones), summarised by the shipped trunk and kept as how
each piano's windows spread around its own mean (the within-piano covariance, averaged over
the pianos) and a sample of windows. `pianoscope.model.one_piano` uses the covariance to know
which differences between windows music makes and which pianos make, and the sample to say how
often another piano would be taken for the teacher's.

The file (`classifier-other-pianos.pt` beside the weights) is a plain dict of tensors and
strings loaded with `weights_only=True`; it names the trunk it was summarised with, since a
retrained trunk puts pianos elsewhere. `pianoscope train` rebuilds it
(`pianoscope.model.training.other_pianos`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from pianoscope.errors import EnrolmentError
from pianoscope.model.torch_files import ReadProblems, load_torch_dict, save_torch_dict

OTHER_PIANOS_FORMAT = 1
OTHER_PIANOS_KIND = "pianoscope-other-pianos"
OTHER_PIANOS_SUFFIX = "-other-pianos.pt"
MAX_OTHER_PIANOS_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class OtherPianos:
    """Summary statistics of other pianos' windows for one trunk."""

    within_covariance: torch.Tensor  # (summary, summary)
    sample: torch.Tensor  # (windows, summary), to measure false acceptance
    trunk: str
    sources: tuple[str, ...]


def other_pianos_path(weights_path: Path) -> Path:
    """Where the other pianos of a weights file are kept: `classifier.pt` →
    `classifier-other-pianos.pt`."""
    return weights_path.with_name(weights_path.stem + OTHER_PIANOS_SUFFIX)


def save_other_pianos(path: Path, pianos: OtherPianos) -> Path:
    """Write the file atomically; returns `path`."""
    payload = {
        "format": OTHER_PIANOS_FORMAT,
        "kind": OTHER_PIANOS_KIND,
        "trunk": pianos.trunk,
        "sources": json.dumps(list(pianos.sources)),
        "within_covariance": pianos.within_covariance.to(torch.float32).clone(),
        "sample": pianos.sample.to(torch.float16).clone(),
    }
    return save_torch_dict(path, payload)


def load_other_pianos(path: Path, trunk: str) -> OtherPianos:
    """Read the other pianos for the trunk with fingerprint `trunk`; EnrolmentError with a
    sentence for the teacher when the file is missing, damaged or for another trunk."""
    problems = ReadProblems(
        missing=f"Enrolling a single piano needs {path.name}, which is missing; reinstall "
        "Pianoscope or run `pianoscope train`.",
        damaged=f"{path.name} is damaged; reinstall Pianoscope.",
        too_large=f"{path.name} is too large to be Pianoscope's other pianos.",
    )
    payload = load_torch_dict(path, EnrolmentError, problems, MAX_OTHER_PIANOS_BYTES)
    if not isinstance(payload, dict) or payload.get("kind") != OTHER_PIANOS_KIND:
        raise EnrolmentError(f"{path.name} is not Pianoscope's file of other pianos.")
    if payload.get("format") != OTHER_PIANOS_FORMAT or payload.get("trunk") != trunk:
        raise EnrolmentError(
            f"{path.name} was made for other classifier weights; run `pianoscope train` "
            "to rebuild it."
        )
    try:
        covariance = payload["within_covariance"]
        sample = payload["sample"].to(torch.float32)
        width = covariance.shape[0]
        if covariance.shape != (width, width) or sample.dim() != 2 or sample.shape[1] != width:
            raise ValueError("shapes do not fit")
        if not all(bool(torch.isfinite(t).all()) for t in (covariance, sample)):
            raise ValueError("not finite")
        sources = tuple(json.loads(payload["sources"]))
    except (KeyError, AttributeError, TypeError, ValueError) as error:
        raise EnrolmentError(f"{path.name} is damaged ({error}); reinstall Pianoscope.") from error
    return OtherPianos(covariance, sample, trunk, sources)
