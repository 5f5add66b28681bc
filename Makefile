# Passeur — the two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CORPUS := corpus/documents
QUESTION ?= Quel est le prix d'un repas à la cantine pour un enfant non résident ?

.PHONY: run test install index clean-index

$(STAMP): pyproject.toml installer/system-deps.sh
	bash installer/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Index the sample corpus (restricted folders first: they keep their own space), then show the main job.
index: $(STAMP)
	$(BIN)/passeur index add $(CORPUS)/rh-confidentiel --space rh
	$(BIN)/passeur index add $(CORPUS)/juridique --space juridique
	$(BIN)/passeur index add $(CORPUS)

run: index
	$(BIN)/passeur search "$(QUESTION)" -k 3

test: $(STAMP)
	$(BIN)/python -m pytest

clean-index:
	$(BIN)/passeur index remove $(CORPUS) || true
