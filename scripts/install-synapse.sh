#!/usr/bin/env bash
# Ensure a Python venv with matrix-synapse and matrix-nio[e2e] for the Matrix end-to-end tests
# (tests/e2e/synapse.ts starts a throwaway homeserver from it; tests/e2e/nio.ts runs
# tests/e2e/nio_client.py, the independent encrypted client, with the same Python).
#
#   bash scripts/install-synapse.sh
#
# Idempotent: when the venv already imports both synapse and nio (with its e2e crypto,
# vodozemac) it returns at once; otherwise it installs only what is missing.
# The venv lives at $DUBAN_SYNAPSE_VENV, default <repo>/.cache/synapse-venv
# (git-ignored). Needs python3 >= 3.10 with the venv module, and PyPI.
# Set DUBAN_SYNAPSE_SPEC or DUBAN_NIO_SPEC to install other versions (defaults below).
# matrix-nio is pinned to the 0.26 series that issue 24's spike used: its e2e extra brings
# vodozemac wheels (no libolm, no compiler); nio adds about 10 s to a fresh install.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${DUBAN_SYNAPSE_VENV:-$repo_root/.cache/synapse-venv}"
spec="${DUBAN_SYNAPSE_SPEC:-matrix-synapse>=1.100,<2}"
nio_spec="${DUBAN_NIO_SPEC:-matrix-nio[e2e]~=0.26.0}"
python="${PYTHON:-python3}"

probe='import importlib.metadata, synapse; print(importlib.metadata.version("matrix-synapse"))'
nio_probe='import importlib.metadata, nio, nio.crypto, vodozemac; print(importlib.metadata.version("matrix-nio"))'

log() { printf 'install-synapse: %s\n' "$*"; }

missing=()
if [ -x "$venv/bin/python" ]; then
  if version="$("$venv/bin/python" -c "$probe" 2>/dev/null)"; then
    synapse_version="$version"
  else
    missing+=("$spec")
  fi
  if nio_version="$("$venv/bin/python" -c "$nio_probe" 2>/dev/null)"; then
    :
  else
    missing+=("$nio_spec")
  fi
  if [ "${#missing[@]}" -eq 0 ]; then
    log "matrix-synapse $synapse_version and matrix-nio $nio_version already installed in $venv; nothing to do"
    exit 0
  fi
  log "$venv exists but lacks ${missing[*]}; installing into it"
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
  missing=("$spec" "$nio_spec")
fi

log "installing ${missing[*]} (pip, quiet; this takes a minute or two)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}"

version="$("$venv/bin/python" -c "$probe")"
nio_version="$("$venv/bin/python" -c "$nio_probe")"
log "installed matrix-synapse $version and matrix-nio $nio_version in $venv"
