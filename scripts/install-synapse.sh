#!/usr/bin/env bash
# Ensure a Python venv with matrix-synapse for the Matrix end-to-end tests
# (tests/e2e/synapse.ts starts a throwaway homeserver from it).
#
#   bash scripts/install-synapse.sh
#
# Idempotent: when the venv already imports synapse it returns at once.
# The venv lives at $DUBAN_SYNAPSE_VENV, default <repo>/.cache/synapse-venv
# (git-ignored). Needs python3 >= 3.10 with the venv module, and PyPI.
# Set DUBAN_SYNAPSE_SPEC to install another version (default below).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DUBAN_SYNAPSE_VENV:-$repo_root/.cache/synapse-venv}"
spec="${DUBAN_SYNAPSE_SPEC:-matrix-synapse>=1.100,<2}"
python="${PYTHON:-python3}"

probe='import importlib.metadata, synapse; print(importlib.metadata.version("matrix-synapse"))'

log() { printf 'install-synapse: %s\n' "$*"; }

if [ -x "$venv/bin/python" ]; then
  if version="$("$venv/bin/python" -c "$probe" 2>/dev/null)"; then
    log "matrix-synapse $version already installed in $venv; nothing to do"
    exit 0
  fi
  log "$venv exists but cannot import synapse; (re)installing into it"
else
  if ! command -v "$python" >/dev/null 2>&1; then
    log "error: $python not found; install Python 3.10+ (Debian: apt-get install python3 python3-venv)" >&2
    exit 1
  fi
  log "creating venv $venv with $("$python" --version 2>&1)"
  mkdir -p "$(dirname "$venv")"
  if ! "$python" -m venv "$venv"; then
    log "error: '$python -m venv' failed; on Debian install python3-venv" >&2
    exit 1
  fi
fi

log "installing '$spec' (pip, quiet; this takes a minute or two)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$spec"

version="$("$venv/bin/python" -c "$probe")"
log "installed matrix-synapse $version in $venv"
