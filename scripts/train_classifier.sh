#!/bin/sh
# Reproduce the shipped classifier from scratch, the other pianos a one-piano enrolment is told
# apart from (they depend on the trained trunk), and the model card.
# Renders the datasets with FluidSynth (cached under ~/.cache/pianoscope/datasets), trains on one
# CPU thread (deterministic: same seed, same weights), then evaluates on the held-out set.
# Nice'd, so the machine stays usable meanwhile. Measured on the 2-core dev machine under load:
# about 6 min of rendering (first time only) and 14 min of training.
#
# The shipped model card also lists the GAN-augmented variant; set COMPARE_GAN=1 to train it
# too (about 12 more minutes) and include it, exactly as in resources/MODEL_CARD.md.
set -eu
cd "$(dirname "$0")/.."
nice -n 10 python -m pianoscope train "$@"
nice -n 10 python -m pianoscope.model.training.other_pianos
if [ "${COMPARE_GAN:-0}" = "1" ]; then
    nice -n 10 python -m pianoscope train --gan --out out/classifier_gan.pt "$@"
    nice -n 10 python -m pianoscope evaluate --out out/evaluation \
        --model-card resources/MODEL_CARD.md \
        --compare "with GAN augmentation" out/classifier_gan.pt
else
    nice -n 10 python -m pianoscope evaluate --out out/evaluation \
        --model-card resources/MODEL_CARD.md
fi
