"""The same training numbers on every x86-64 machine: kernels chosen by the recipe, not the CPU.

numpy, torch (ATen), oneDNN and MKL each pick their kernels by the CPU they run on, and kernels
of different vector widths add in different orders, so they round differently. Measured at
stop 39 on an Intel Xeon with AVX-512, running as it would on an AVX2 machine (each library
held to AVX2 by its own switch):
- rendering training clips: numpy's x86-64-v3 kernels instead of its AVX-512 ones changed the
  audio of every FluidSynth, sampled and modelled clip (by up to 2e-7) and the float16 features
  of about half of them; OpenBLAS's core type and torch changed nothing there;
- training two epochs on the very same features: torch's AVX2 kernels instead of its AVX-512
  ones, oneDNN held to AVX2, and MKL held to AVX2 each gave other weights; OpenBLAS's core type
  and numpy's kernels did not.
That is why `pianoscope train` on another machine trained weights of the same quality but not
the shipped ones (docs/classifier.md, "The same weights on another machine").

The pins alone were not enough across CPU makers. Run under qemu-user emulating an AMD EPYC
(Rome) or an Intel Haswell (stop 40), a pinned process rendered the same audio and features
and computed the same forward and backward passes, NNPACK's batched convolutions included
(their blocking follows the cache sizes, which differ there), but trained other weights:
torch's float32 square root is MKL's vector maths, and in the COMPATIBLE branch it rounds some
roots off, differently on each of those CPUs. AdamW takes one every step, so the training
uses `model.training.exact_adamw.ExactSqrtAdamW`, torch's AdamW with numpy's correctly
rounded root; with it the emulated EPYC trains the very weights of the host
(tests/test_pinned_numerics.py).

Commands whose numbers must repeat anywhere (`pianoscope train`, `evaluate`, the scripts that
rebuild shipped files) therefore run themselves again in a child process whose environment
makes every one of those choices (`pinned_environment`):
- numpy: its baseline kernels only (every SIMD target it would dispatch to is disabled);
- torch: ATen's AVX2 kernels; oneDNN off (`use_pinned_torch`): its documentation promises
  the same results only on the same platform, its kernels being chosen for the CPU; MKL in its
  conditional numerical reproducibility mode, COMPATIBLE branch, the one its documentation
  promises for Intel and compatible (AMD) CPUs alike;
- OpenBLAS: its Haswell kernels;
- one thread each, as the recipe already asks.
Made to hold on x86-64 CPUs with AVX2 and FMA (Intel since 2013, AMD since 2015); shown
against one machine held to AVX2 by those switches and against emulated AMD and Intel CPUs
without AVX-512 (docs/classifier.md). Elsewhere only
numpy is pinned and the numbers are the platform's own. It costs training time, not rendering
time (stop 39: 1.41x on a short training on a quiet machine, oneDNN off and MKL's COMPATIBLE
branch sharing the cost; the recipe's training 29.8 min against 18.4 natively, beside other
work).

The dataset cache keeps renderings made this way apart (tagged with `pinned_kind`), so a pinned
training never reads clips rendered natively.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence

PINNED_MARKER = "PIANOSCOPE_PINNED_NUMERICS"
# What the marker holds in a pinned process, and the dataset cache's tag for its renderings.
X86_64_AVX2 = "x86-64-avx2"
NUMPY_ONLY = "numpy-baseline"
# How long an interrupted parent waits for its child to cancel on its own before passing it on.
INTERRUPT_GRACE_S = 2.0


def pinned_environment(environment: Mapping[str, str]) -> dict[str, str]:
    """`environment` with every kernel choice pinned (see the module docstring)."""
    pinned = dict(environment)
    dispatched, features = numpy_cpu_dispatch()
    # The targets this CPU has (those it lacks are never used).
    disabled = [target for target in dispatched if features.get(target)]
    if disabled:
        pinned["NPY_DISABLE_CPU_FEATURES"] = " ".join(disabled)
    else:
        pinned.pop("NPY_DISABLE_CPU_FEATURES", None)
    if _is_x86_64() and features.get("AVX2") and features.get("FMA3"):
        pinned.update(
            ATEN_CPU_CAPABILITY="avx2",
            MKL_CBWR="COMPATIBLE",
            OPENBLAS_CORETYPE="Haswell",
            OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            OPENBLAS_NUM_THREADS="1",
        )
        pinned[PINNED_MARKER] = X86_64_AVX2
    else:
        pinned[PINNED_MARKER] = NUMPY_ONLY
    return pinned


def pinned_kind() -> str | None:
    """How this process's numerics are pinned (X86_64_AVX2, NUMPY_ONLY), or None: natively.
    The dataset cache tags what a pinned process renders with it."""
    return os.environ.get(PINNED_MARKER) or None


def run_pinned(arguments: Sequence[str]) -> int | None:
    """None when this process already runs pinned (torch then set up for it): go on.

    Otherwise run python with `arguments` (e.g. `-m pianoscope train --out W`) in a pinned
    child that shares this terminal, wait for it and return its exit status. Ctrl-C in the
    terminal reaches the child too (same process group), which cancels and says so; an
    interrupt sent to this process alone is passed on to the child if it is still running a
    moment later."""
    if pinned_kind() is not None:
        use_pinned_torch()
        return None
    child = subprocess.Popen([sys.executable, *arguments], env=pinned_environment(os.environ))
    try:
        return child.wait()
    except KeyboardInterrupt:
        try:
            return child.wait(timeout=INTERRUPT_GRACE_S)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGINT)
            return child.wait()


def go_on_pinned(module: str, argv: Sequence[str] | None = None) -> None:
    """For a script that rebuilds a shipped file (the same numbers on any machine): return in a
    pinned process; otherwise run `python -m module` with `argv` (None: this process's own
    arguments) in a pinned child and exit with its status."""
    arguments = sys.argv[1:] if argv is None else argv
    status = run_pinned(["-m", module, *arguments])
    if status is not None:
        raise SystemExit(status)


def use_pinned_torch() -> None:
    """oneDNN off in a pinned process; convolutions then run on NNPACK's kernels (batches of 16
    or more) or on ATen's own and MKL's."""
    if pinned_kind() != X86_64_AVX2:
        return
    import torch

    torch.backends.mkldnn.enabled = False


def numpy_cpu_dispatch() -> tuple[list[str], dict[str, bool]]:
    """The SIMD targets numpy was built to dispatch to, and the CPU features it detected."""
    try:
        from numpy._core import _multiarray_umath as umath
    except ImportError:  # numpy 1.x
        from numpy.core import _multiarray_umath as umath  # type: ignore[no-redef]
    return list(umath.__cpu_dispatch__), dict(umath.__cpu_features__)


def _is_x86_64() -> bool:
    return platform.machine().lower() in ("x86_64", "amd64")
