#!/usr/bin/env bash
# Start PulseAudio with a null sink "vmic" whose monitor is the default source: a virtual
# microphone that records whatever `paplay FILE` plays. Idempotent; used by tests and CI.
# Usage: scripts/virtual_mic.sh start|stop
set -euo pipefail
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/pianoscope-xdg}"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"

case "${1:-start}" in
start)
  if ! pactl info >/dev/null 2>&1; then
    pulseaudio -D --exit-idle-time=-1 --system=false --disallow-exit 2>/dev/null || true
    for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  if ! pactl list short sinks | grep -q vmic; then
    pactl load-module module-null-sink sink_name=vmic >/dev/null
  fi
  pactl set-default-sink vmic
  pactl set-default-source vmic.monitor
  # A permanent reader on the monitor keeps the source running, so a new stream's first
  # callback comes at once instead of 1-2 s late.
  if ! pactl list short source-outputs | grep -q .; then  # no reader on this server yet
    nohup parec --latency-msec=20 -d vmic.monitor >/dev/null 2>&1 &
  fi
  echo "virtual microphone ready (XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR)"
  ;;
stop)
  pkill -f "parec.*vmic.monitor" || true
  pulseaudio -k 2>/dev/null || true
  ;;
esac
