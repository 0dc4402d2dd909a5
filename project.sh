#!/usr/bin/env bash
# Set up everything a fresh Debian machine lacks, then run one job:
#   ./project.sh build   set up, then build every meeting in dossiers/ into build/
#   ./project.sh check   set up, then check every meeting in dossiers/ (assembler check)
#   ./project.sh test    set up, then run ruff, mypy --strict and the whole test suite
#   ./project.sh setup   set up only
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

APT_PACKAGES=(python3 python3-venv python3-pip libreoffice-writer-nogui libreoffice-calc-nogui
              fonts-liberation fonts-dejavu fonts-crosextra-carlito fonts-crosextra-caladea
              fontconfig poppler-utils python3-uno)
TEST_APT_PACKAGES=(nodejs npm)

log() { printf '[project] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_missing() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  printf '%s\n' "${missing[@]}"
}

apt_install() {
  local missing
  mapfile -t missing < <(apt_missing "$@" | sed '/^$/d')
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing with apt: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
}

python_ok() {
  command -v python3 >/dev/null 2>&1 && python3 - <<'PY' 2>/dev/null
import sys, venv, ensurepip  # noqa: F401
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY
}

venv_is_here() {
  # A .venv copied or moved along with the folder still runs the old folder's Python and, through
  # the editable install, its code: its commands name the folder they were installed in.
  [ ! -f .venv/bin/assembler ] \
    || grep -qF -e "$(pwd)/.venv/bin/python" -e "$(pwd -P)/.venv/bin/python" .venv/bin/assembler
}

setup() {
  if command -v apt-get >/dev/null 2>&1; then
    local wanted=("${APT_PACKAGES[@]}")
    # A Python 3.11+ with venv may already be there (pyenv, a container image): keep it.
    if python_ok; then wanted=("${wanted[@]:3}"); fi
    apt_install "${wanted[@]}"
  fi
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c 'import sys' 2>/dev/null \
     || ! venv_is_here; then
    log "creating .venv"
    rm -rf .venv
    python3 -m venv .venv
  fi
  local stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
  if [ ! -f "$stamp" ]; then
    log "installing assembler and its dependencies into .venv"
    .venv/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv/bin/python -m pip install -q -e '.[dev]'
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}

setup_test_tools() {
  if command -v apt-get >/dev/null 2>&1; then
    command -v npm >/dev/null 2>&1 || apt_install "${TEST_APT_PACKAGES[@]}"
  fi
  # Prism: the validating ODS API mock the publish tests run against (git-ignored .tools/).
  if [ ! -x .tools/node_modules/.bin/prism ]; then
    log "installing Prism (@stoplight/prism-cli@5) into .tools/"
    mkdir -p .tools
    # A package.json of its own keeps npm from installing into a node_modules further up.
    [ -f .tools/package.json ] || echo '{"private": true}' > .tools/package.json
    (cd .tools && npm install --no-audit --no-fund --silent @stoplight/prism-cli@5 >/dev/null)
  fi
}

run_tests() {
  setup_test_tools
  log "ruff"
  .venv/bin/ruff check assembler tests tools benchmarks
  .venv/bin/ruff format --check assembler tests tools benchmarks
  log "mypy --strict"
  .venv/bin/mypy assembler benchmarks tools
  log "pytest"
  local status=0
  # The slowest tests are named at the end: CI has 90 minutes on a two-CPU machine.
  .venv/bin/python -m pytest --durations=30 "$@" || status=$?
  if [ "$status" -eq 5 ]; then
    log "pytest collected no tests: that is a failure"
    return 1
  fi
  return "$status"
}

command=${1:-build}
shift || true
case "$command" in
  setup) setup ;;
  build) setup; exec .venv/bin/assembler build "$@" ;;
  check) setup; exec .venv/bin/assembler check "$@" ;;
  test)  setup; run_tests "$@" ;;
  *) echo "gebruik: ./project.sh [setup|build|check|test]" >&2; exit 2 ;;
esac
