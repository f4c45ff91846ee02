#!/usr/bin/env bash
# Screenshots of the real window (xcb platform) on a virtual X display.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" "$PYTHON" scripts/screenshot.py "${1:-docs/screenshots}"
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" "$PYTHON" scripts/screenshot_review.py "${1:-docs/screenshots}"
QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" "$PYTHON" scripts/screenshot_follow.py "${1:-docs/screenshots}"
