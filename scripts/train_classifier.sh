#!/bin/sh
# Train the classifier's recipe (the piano pool, README "The classifier") into
# out/classifier-pool.pt, the other pianos a one-piano enrolment tells it apart from (they
# depend on the trained trunk), and judge it into out/MODEL_CARD.md.
# Renders the datasets with FluidSynth (cached under ~/.cache/pianoscope/datasets), trains on one
# CPU thread with pinned numerics (the same cache, seeds and kernels give the same weights:
# pianoscope/pinned_numerics.py), then evaluates on the
# held-out set. Nice'd, so the machine stays usable meanwhile.
#
# The shipped resources/classifier.pt is this recipe's; to replace it, train with
# `--out resources/classifier.pt`, then rebuild its other pianos
# (`python -m pianoscope.model.training.other_pianos`) and the form-from-notes model beside it
# (`python -m pianoscope.transcription.training.form_train`), and write resources/MODEL_CARD.md with
# `pianoscope evaluate --leave-one-out out/loo --model-card resources/MODEL_CARD.md`.
set -eu
cd "$(dirname "$0")/.."
nice -n 10 python -m pianoscope train --out out/classifier-pool.pt "$@"
nice -n 10 python -m pianoscope.model.training.other_pianos --weights out/classifier-pool.pt
nice -n 10 python -m pianoscope evaluate --weights out/classifier-pool.pt --out out/evaluation \
    --model-card out/MODEL_CARD.md
