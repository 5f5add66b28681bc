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
# Desktop app (PySide6 wheels): the system libraries Qt loads, checked by their soname
# (offscreen, X11/xcb and Wayland platform plugins), and a font: without one Qt draws boxes.
QT_LIBS=(
    "libGL.so.1 libgl1" "libEGL.so.1 libegl1" "libfontconfig.so.1 libfontconfig1"
    "libfreetype.so.6 libfreetype6" "libglib-2.0.so.0 libglib2.0-0" "libdbus-1.so.3 libdbus-1-3"
    "libxkbcommon.so.0 libxkbcommon0" "libX11.so.6 libx11-6" "libxcb.so.1 libxcb1"
    "libX11-xcb.so.1 libx11-xcb1" "libxkbcommon-x11.so.0 libxkbcommon-x11-0" "libxcb-cursor.so.0 libxcb-cursor0"
    "libxcb-icccm.so.4 libxcb-icccm4" "libxcb-image.so.0 libxcb-image0" "libxcb-keysyms.so.1 libxcb-keysyms1"
    "libxcb-randr.so.0 libxcb-randr0" "libxcb-render-util.so.0 libxcb-render-util0"
    "libxcb-render.so.0 libxcb-render0" "libxcb-shape.so.0 libxcb-shape0" "libxcb-shm.so.0 libxcb-shm0"
    "libxcb-sync.so.1 libxcb-sync1" "libxcb-util.so.1 libxcb-util1" "libxcb-xfixes.so.0 libxcb-xfixes0"
    "libxcb-xkb.so.1 libxcb-xkb1" "libxcb-glx.so.0 libxcb-glx0"
    "libwayland-client.so.0 libwayland-client0" "libwayland-cursor.so.0 libwayland-cursor0"
)
LDCACHE=$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null || true)
for entry in "${QT_LIBS[@]}"; do
    soname=${entry% *}
    pkg=${entry#* }
    if ! grep -qF "$soname" <<<"$LDCACHE" && ! dpkg -s "$pkg" >/dev/null 2>&1; then
        PKGS+=("$pkg")
    fi
done
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || PKGS+=(fonts-dejavu-core)
# OCR of scanned PDF pages: the tesseract program and its French data (without them, scanned pages are
# only flagged "needs OCR" and `passeur index status` says to install these two packages).
if ! command -v tesseract >/dev/null 2>&1; then
    PKGS+=(tesseract-ocr tesseract-ocr-fra)
elif ! tesseract --list-langs 2>/dev/null | grep -qx fra; then
    PKGS+=(tesseract-ocr-fra)
fi

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
