"""One enrolled piano: is this window the teacher's piano, or another piano?

With one piano there is nothing to tell it apart from inside the enrolment, so the decision
has two tests, both on the trunk's summary of a 2 s window, and a window is the teacher's
piano only when it passes both:

- near: its RMS distance per dimension to the piano's mean, in units of the piano's own spread,
  is within what new playing of it reaches (the held-out last fifth of the recordings);
- not like the others: its score along the direction that best separates this piano from the
  other pianos Pianoscope ships (`pianoscope.model.other_pianos`: a shrunk Fisher discriminant,
  since 192 dimensions are many for two minutes of audio) is within the held-out windows' range.

The distance alone accepts pianos whose summaries differ from the piano's in directions where
it happens to vary a lot; the discriminant alone accepts pianos unlike any it was shown. Each
limit is the `HELD_OUT_QUANTILE` of the held-out windows, so about 2 % of new playing on the
teacher's own piano is rejected by each test by design. The shipped other pianos also measure
how often another piano would pass, which the teacher is told. These settings were chosen on the
training SoundFonts' pianos, enrolling one family and testing another; the pianos reserved for
evaluation were not looked at (see `bench/bench_one_piano.py` for the figures on them).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from pianoscope.model.other_pianos import OtherPianos

HELD_OUT_QUANTILE = 0.98
DISTANCE_MARGIN = 1.1  # the distance limit is this much beyond the held-out quantile
SHRINKAGE = 0.5  # of the pooled covariance towards its mean variance (Ledoit-Wolf style)


@dataclass(frozen=True)
class OnePiano:
    """The decision for one enrolled piano (tensors in the trunk's summary space).

    `mean`, `scale`: the piano's summary mean and spread; `distance_limit`: the RMS standardised
    distance beyond which a window is another piano; `direction`: the discriminant over
    standardised summaries, larger meaning more like the other pianos, with `score_limit`;
    the spreads turn each margin into a probability; `others_accepted`: the share of the
    other pianos' windows that pass both tests.
    """

    mean: torch.Tensor
    scale: torch.Tensor
    distance_limit: float
    distance_spread: float
    direction: torch.Tensor
    score_limit: float
    score_spread: float
    others_accepted: float


def fit_one_piano(train: torch.Tensor, held_out: torch.Tensor, others: OtherPianos) -> OnePiano:
    """The decision from the piano's training and held-out summaries and the other pianos."""
    mean = train.mean(dim=0)
    scale = train.std(dim=0).clamp(min=1e-4)
    standard = (train - mean) / scale
    others_mean = (others.mean - mean) / scale
    others_covariance = others.covariance / torch.outer(scale, scale)
    pooled = torch.cov(standard.T) + others_covariance
    target = torch.eye(pooled.shape[0]) * torch.diagonal(pooled).mean()
    shrunk = (1.0 - SHRINKAGE) * pooled + SHRINKAGE * target
    direction = torch.linalg.solve(shrunk, others_mean)
    held_standard = (held_out - mean) / scale
    distances = _rms(held_standard)
    scores = held_standard @ direction
    decision = OnePiano(
        mean=mean,
        scale=scale,
        distance_limit=float(torch.quantile(distances, HELD_OUT_QUANTILE)) * DISTANCE_MARGIN,
        distance_spread=float(distances.std().clamp(min=1e-6)),
        direction=direction,
        score_limit=float(torch.quantile(scores, HELD_OUT_QUANTILE)),
        score_spread=float(scores.std().clamp(min=1e-6)),
        others_accepted=0.0,
    )
    others_accepted = float((mine_probability(decision, others.sample) >= 0.5).float().mean())
    return OnePiano(**{**decision.__dict__, "others_accepted": others_accepted})


def mine_probability(decision: OnePiano, summary: torch.Tensor) -> torch.Tensor:
    """(windows,) probability-like score that each window is the enrolled piano: 0.5 at the
    limit of the stricter test, so `>= 0.5` is the decision."""
    standard = (summary - decision.mean) / decision.scale
    near = (decision.distance_limit - _rms(standard)) / decision.distance_spread
    unlike_others = (decision.score_limit - standard @ decision.direction) / decision.score_spread
    return torch.sigmoid(torch.minimum(near, unlike_others))


def _rms(standard: torch.Tensor) -> torch.Tensor:
    return standard.pow(2).mean(dim=1).sqrt()
