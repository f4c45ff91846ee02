"""One enrolled piano: is this window the teacher's piano, or another piano?

With one piano there is nothing inside the enrolment to tell it apart from, so the decision is
a distance in the trunk's summary of a 2 s window: how far the window lies from the piano's
mean, measured in units of how much a piano's summaries vary with what is played and how loud
(the Mahalanobis distance). That variation is learnt from two sources: the teacher's own
windows, and the other pianos Pianoscope ships (`pianoscope.model.other_pianos`: the spread
of each one's windows around its own mean, averaged), because two minutes of one piano cannot
show all the ways music moves a summary. Directions in which playing moves every piano's
summary then count little, and directions in which pianos differ count much.

The limit is the `HELD_OUT_QUANTILE` of the held-out windows' distances (the last fifth of the
recordings, heard at the enrolment's training gains) times `DISTANCE_MARGIN`; the shipped other
pianos then measure how often another piano would pass, which the teacher is told. These
settings were chosen on the training SoundFonts' pianos, enrolling a piano of one SoundFont
and judging the pianos of another with the third as the other pianos (18 cases: own new
playing recognised 97 % on average, the other SoundFont's pianos rejected 97 %, both at least
90 % in 14). Capping the limit where the other pianos begin, or adding a discriminant against
them, lost more of the teacher's own windows than it gained. The pianos reserved for
evaluation only measure the result (`bench/bench_one_piano.py`).

The trunk's summary alone took csound's grand and the Steinway B for one another (0.8-3.2 %
"another piano"), so a window is the teacher's piano only if the fingerprint of the strings
agrees as well (`pianoscope.model.piano_fingerprint`); the live classifier combines the two as
the lower of their probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from pianoscope.model.other_pianos import OtherPianos
from pianoscope.model.piano_fingerprint import PianoFingerprint

HELD_OUT_QUANTILE = 0.98
DISTANCE_MARGIN = 1.1  # the limit is this much beyond the held-out quantile
OWN_SHARE = 0.5  # of the covariance from the teacher's windows; the rest from other pianos
SHRINKAGE = 0.1  # of the covariance towards its mean variance, so that it inverts stably


@dataclass(frozen=True)
class OnePiano:
    """The decision for one enrolled piano (tensors in the trunk's summary space).

    `whitening` (summary, summary) maps a window's offset from `mean` to units of the expected
    variation; `distance_limit` is the RMS whitened distance beyond which a window is another
    piano and `distance_spread` turns the margin into a probability; `others_accepted` is the
    share of the shipped other pianos' windows within the limit. `fingerprint`, where the
    enrolment has one (files before it have none), must agree too: the trunk's summary cannot
    tell some pianos apart that their strings can (`pianoscope.model.piano_fingerprint`).
    """

    mean: torch.Tensor
    whitening: torch.Tensor
    distance_limit: float
    distance_spread: float
    others_accepted: float
    fingerprint: PianoFingerprint | None = None


def fit_one_piano(train: torch.Tensor, held_out: torch.Tensor, others: OtherPianos) -> OnePiano:
    """The decision from the piano's training and held-out summaries and the other pianos."""
    mean = train.mean(dim=0)
    covariance = OWN_SHARE * torch.cov(train.T) + (1.0 - OWN_SHARE) * others.within_covariance
    target = torch.eye(covariance.shape[0]) * torch.diagonal(covariance).mean()
    shrunk = (1.0 - SHRINKAGE) * covariance + SHRINKAGE * target
    whitening = torch.linalg.cholesky(torch.linalg.inv(shrunk))
    unlimited = OnePiano(mean, whitening, float("inf"), 1.0, 0.0)
    distances = distance(unlimited, held_out)
    decision = replace(
        unlimited,
        distance_limit=float(torch.quantile(distances, HELD_OUT_QUANTILE)) * DISTANCE_MARGIN,
        distance_spread=float(distances.std().clamp(min=1e-6)),
    )
    others_accepted = float((mine_probability(decision, others.sample) >= 0.5).float().mean())
    return replace(decision, others_accepted=others_accepted)


def distance(decision: OnePiano, summary: torch.Tensor) -> torch.Tensor:
    """(windows,) RMS whitened distance of each summary from the piano's mean."""
    whitened = (summary - decision.mean) @ decision.whitening
    return whitened.pow(2).mean(dim=1).sqrt()


def mine_probability(decision: OnePiano, summary: torch.Tensor) -> torch.Tensor:
    """(windows,) probability-like score that each window is the enrolled piano: 0.5 at the
    limit, so `>= 0.5` is the decision."""
    margin = (decision.distance_limit - distance(decision, summary)) / decision.distance_spread
    return torch.sigmoid(margin)
