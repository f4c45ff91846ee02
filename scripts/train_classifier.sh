#!/bin/sh
# Train today's classifier recipe (the piano pool, README "Training for pianos it never heard")
# into out/classifier-pool.pt, the other pianos a one-piano enrolment tells it apart from (they
# depend on the trained trunk), and judge it into out/MODEL_CARD.md.
# Renders the datasets with FluidSynth (cached under ~/.cache/pianoscope/datasets), trains on one
# CPU thread (deterministic: same seed, same weights), then evaluates on the held-out set.
# Nice'd, so the machine stays usable meanwhile.
#
# The shipped resources/classifier.pt is not this recipe's: it came from the four-piano recipe
# of commit 010a756, whose own copy of this script trained it (re-run on 2026-12-02 it trained
# that recipe to other weights of the same quality, not bit for bit these: README), and its
# model card is `pianoscope evaluate --model-card`.
set -eu
cd "$(dirname "$0")/.."
nice -n 10 python -m pianoscope train --out out/classifier-pool.pt "$@"
nice -n 10 python -m pianoscope.model.training.other_pianos --weights out/classifier-pool.pt
nice -n 10 python -m pianoscope evaluate --weights out/classifier-pool.pt --out out/evaluation \
    --model-card out/MODEL_CARD.md
