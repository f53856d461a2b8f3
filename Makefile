# Assemblage des CPOM. Toutes les cibles passent par la CLI `cpom` installée dans .venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CPOM   := $(BIN)/cpom
STAMP  := $(VENV)/.installed
C      ?= association-horizons

# Names given as C=… come after « -- »: C=--all is a (refused) name, never an option.
.PHONY: contract contracts check status upgrade avenant redline review archive index verify list identify test lint typecheck bench clean help

help:
	@echo "make contract [C=<id>]   construit build/<id>/<id>.md, .docx et .pdf"
	@echo "make contract C=<id> VERSION=<v>  reconstruit à l'identique une version enregistrée"
	@echo "make contracts [TOUT=1]  construit les contrats de contracts/ qui ont changé (TOUT=1 : tous)"
	@echo "make status              versions des clauses par contrat (et build/status.html)"
	@echo "make upgrade C=<id>      passe un projet aux dernières versions des clauses"
	@echo "make upgrade C=<id> CLAUSE=<clause>  ne passe que cette clause, ou ces clauses (\"a b\")"
	@echo "make avenant C=<id>      rédige l'avenant en cours et le contrat consolidé"
	@echo "make redline C=<id> FROM=<v> TO=<v|projet> [PDF=1] [AUTHOR=nom]"
	@echo "                         Word avec suivi des modifications entre deux versions"
	@echo "make review C=<id> FILE=<fichier.docx> [APPLY=1]"
	@echo "                         ce que change un Word retourné, article par article"
	@echo "make archive C=<id> SIGNED=<fichier> [DATE=AAAA-MM-JJ] [FORCE=motif] [SCAN=1]"
	@echo "                         archive la version signée (append-only)"
	@echo "make index C=<id>        inscrit à l'index les versions archivées avant lui"
	@echo "make verify              vérifie l'intégrité de toute l'archive"
	@echo "make identify FILE=<fichier>"
	@echo "                         dit quelle version de quel contrat est un .docx ou un .pdf"
	@echo "make list                versions signées et version en vigueur de chaque contrat"
	@echo "make check               valide la bibliothèque et tous les contrats, sans construire"
	@echo "make test                lance toute la suite de tests"
	@echo "make bench               mesure la construction face à la chaîne d'outils nue"
	@echo "make clean               supprime build/"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

contract: $(STAMP)
	$(CPOM) build $(if $(VERSION),--version $(VERSION)) -- $(C)

contracts: $(STAMP)
	$(CPOM) build --all $(if $(TOUT),--force)

check: $(STAMP)
	$(CPOM) check

status: $(STAMP)
	$(CPOM) status

upgrade: $(STAMP)
	$(CPOM) upgrade $(foreach c,$(CLAUSE),--clause $(c)) -- $(C)

avenant: $(STAMP)
	$(CPOM) avenant -- $(C)

redline: $(STAMP)
	$(CPOM) redline --de $(FROM) --a $(or $(TO),projet) $(if $(PDF),--pdf) $(if $(AUTHOR),--auteur "$(AUTHOR)") -- $(C)

review: $(STAMP)
	$(CPOM) review $(if $(APPLY),--appliquer) -- $(C) "$(FILE)"

archive: $(STAMP)
	$(CPOM) archive --signe "$(SIGNED)" $(if $(DATE),--date $(DATE)) $(if $(FORCE),--force "$(FORCE)") $(if $(SCAN),--scan) -- $(C)

index: $(STAMP)
	$(CPOM) index -- $(C)

identify: $(STAMP)
	$(CPOM) identify -- "$(FILE)"

verify: $(STAMP)
	$(CPOM) verify

list: $(STAMP)
	$(CPOM) list

lint: $(STAMP)
	$(BIN)/ruff check assemble tests scripts
	$(BIN)/ruff format --check assemble tests scripts

typecheck: $(STAMP)
	$(BIN)/mypy

# The suite on every core (pytest-xdist); a module's tests stay on one worker (docs/architecture.md).
test: $(STAMP) lint typecheck
	$(BIN)/pytest -q -n auto --dist loadscope

bench: $(STAMP)
	$(CPOM) bench -- $(C)

clean:
	rm -rf build
