"""Two copies of the demo recording, one with a sidecar saying it was recorded 20 dB quieter
than the calibration convention: what every analysis must read through that calibration."""

from __future__ import annotations

import json
from pathlib import Path

from pianoscope.resources_path import demo_recording_path

QUIET_CALIBRATION = {"kind": "mf", "offset_db": -20.0}


def plain_and_quiet_takes(folder: Path) -> tuple[Path, Path]:
    """(a take without sidecar, the same take whose sidecar holds QUIET_CALIBRATION)."""
    plain, quiet = folder / "plain.flac", folder / "calibrated.flac"
    for take in (plain, quiet):
        take.write_bytes(demo_recording_path().read_bytes())
    quiet.with_name(quiet.name + ".json").write_text(
        json.dumps({"started_at": "2026-11-20T15:30:00+00:00", "device": "mic",
                    "sample_rate_hz": 44_100, "format": "FLAC", "state": "complete",
                    "calibration": QUIET_CALIBRATION})
    )  # fmt: skip
    return plain, quiet
