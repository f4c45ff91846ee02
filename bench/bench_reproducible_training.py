"""Does `pianoscope train` give the same numbers here as on the machines it ran on before?

Prints this machine's CPU and kernel choices, then a digest of every dataset of the recipe in
the cache (their features, rendered with pinned numerics: `pianoscope.pinned_numerics`) and of
a weights file's tensors and thresholds (not its metadata: it holds the training's minutes),
each beside the digest recorded on an earlier machine and whether the two are the same.

    pianoscope train --data-only                             # renders every dataset, pinned
    pianoscope train --out out/pinned/classifier.pt          # trains, pinned
    python bench/bench_reproducible_training.py --weights out/pinned/classifier.pt

A dataset or weights file missing from this machine is listed as such: render or train first.
"""

from __future__ import annotations

import argparse
import hashlib
import platform
from pathlib import Path

import numpy as np
import torch

from pianoscope.model.training.recipe import default_cache_dir, recipe_datasets
from pianoscope.model.training.render import fluidsynth_version
from pianoscope.model.training.synth import Dataset, DatasetSpec, cached_dataset_path
from pianoscope.model.weights import weights_digest
from pianoscope.pinned_numerics import X86_64_AVX2, numpy_cpu_dispatch

# The datasets recorded at stop 39 (2026-12-04) on an Intel Xeon with AVX-512 (Sapphire Rapids
# class), Debian's fluidsynth 2.3.1-2, numpy 2.4.6, torch 2.13.0+cpu: `pianoscope train --out
# out/pinned/classifier.pt` from an empty cache (rendered the same at stops 54-55 on an AMD
# EPYC with AVX-512). The weights: stop 55's on that EPYC, from that cache, with the network's
# level log10 in float64 (`network.portable_log10`) and AdamW's correctly rounded square root
# (`model.training.exact_adamw`); the Xeon's with torch's log10 were 0276462c70225247, with
# torch's AdamW too f481ac6b470a48b6.
RECORDED: dict[str, str] = {
    "train": "f95382504196d690",
    "validation": "7d21086f587671b7",
    "heldout": "c66dcbf3f68bbf1e",
    "heldout without rooms": "1860318e17c79a0b",
    "left-out-steinway-b": "32d56f79f2ea41cb",
    "left-out-timgm-grand": "edd6b9492070eaa0",
    "left-out-musescore-grand": "87cfc68e311a1604",
    "weights": "f64287c50a2e165f",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weights", type=Path, default=Path("out/pinned/classifier.pt"))
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    cache = args.cache or default_cache_dir()
    _, features = numpy_cpu_dispatch()
    print(f"CPU: {_cpu_name()}; AVX-512 {'yes' if features.get('AVX512F') else 'no'}")
    print(f"numpy {np.__version__}, torch {torch.__version__}, FluidSynth {fluidsynth_version()}")
    digests = {name: _dataset_digest(cache, spec) for name, spec in recipe_datasets().items()}
    digests["weights"] = weights_digest(args.weights) if args.weights.is_file() else None
    same = 0
    for name, digest in digests.items():
        recorded = RECORDED.get(name)
        verdict = (
            "missing here" if digest is None
            else "not recorded" if recorded is None
            else "same" if digest == recorded
            else "DIFFERS"
        )  # fmt: skip
        same += verdict == "same"
        print(f"{name:28s} {digest or '-':16s} recorded {recorded or '-':16s} {verdict}")
    print(f"{same} of {len(digests)} the same as recorded")


def _dataset_digest(cache: Path, spec: DatasetSpec) -> str | None:
    path = cached_dataset_path(spec, cache, X86_64_AVX2)
    if not path.is_file():
        return None
    return hashlib.sha256(Dataset.load(path).features_db.tobytes()).hexdigest()[:16]


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    main()
