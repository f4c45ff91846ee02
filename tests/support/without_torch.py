"""Run the `pianoscope` command line as where torch is not installed: an import hook makes
`import torch` fail as a missing package would, here and in the processes it forks."""

from __future__ import annotations

import subprocess
import sys


def run_without_torch(*arguments: str) -> subprocess.CompletedProcess[str]:
    """`pianoscope ARGUMENTS...` in a Python that cannot import torch."""
    return subprocess.run(
        [sys.executable, __file__, *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class _NoTorch:
    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"No module named {name!r}")


if __name__ == "__main__":
    sys.meta_path.insert(0, _NoTorch())
    from pianoscope.cli.main import main

    sys.exit(main(sys.argv[1:]))
