#!/usr/bin/env bash
# Installs the Debian packages a fresh machine lacks for Passeur (apt when root,
# else prints the exact apt line to run). Idempotent and quiet when all is there.
set -euo pipefail

PY="${PYTHON:-python3}"
PKGS=()

# venv needs ensurepip; Debian ships it separately (python3-venv / python3.X-venv).
if ! "$PY" -c "import ensurepip, venv" >/dev/null 2>&1; then
    ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    PKGS+=("python${ver}-venv")
fi
# Compilers and headers for the packages that build from source (llama-cpp-python, PyStemmer fallback).
command -v cc >/dev/null 2>&1 || PKGS+=(build-essential)
command -v cmake >/dev/null 2>&1 || PKGS+=(cmake)

if [ ${#PKGS[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installation des paquets système : ${PKGS[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PKGS[@]}"
else
    echo "Paquets système manquants. Lancez (en administrateur) :" >&2
    echo "  sudo apt-get install -y ${PKGS[*]}" >&2
    exit 1
fi
