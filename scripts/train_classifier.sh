#!/bin/sh
# Reproduce the shipped classifier from scratch and regenerate its model card.
# Renders the datasets with FluidSynth (cached under ~/.cache/pianoscope/datasets), trains on one
# CPU thread, then evaluates on the held-out set. Nice'd: the machine stays usable meanwhile.
set -eu
cd "$(dirname "$0")/.."
nice -n 10 python -m pianoscope train "$@"
nice -n 10 python -m pianoscope evaluate --out out/evaluation --model-card resources/MODEL_CARD.md
