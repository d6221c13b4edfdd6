# Two commands: `make run` (set up and serve the demo) and `make test` (set up and run the suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
HOST ?= 127.0.0.1:8000

.PHONY: run test serve lint format worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Exact versions come from constraints.txt (committed); pyproject.toml says why each package is there.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $(VENV)/.installed $@

# axe-core for the accessibility checks of the browser tests (exact version in package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

run: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py seed_demo --if-empty
	@echo
	@echo "Quartiers Connectés : http://$(HOST)/"
	@echo "Comptes de démonstration (mot de passe : quartiers-demo-2026) :"
	@echo "  bailleur@demo.quartiers-connectes.fr          Habitat du Clain (bailleur), administrateur"
	@echo "  bailleur.membre@demo.quartiers-connectes.fr   Habitat du Clain, membre"
	@echo "  bailleur.lecteur@demo.quartiers-connectes.fr  Habitat du Clain, lecteur"
	@echo "  bailleur2@demo.quartiers-connectes.fr         Logis de la Vienne (bailleur), administrateur"
	@echo "  bailleur3@demo.quartiers-connectes.fr         Toits Solidaires Poitou (bailleur), administrateur"
	@echo "  ville@demo.quartiers-connectes.fr             Grand Poitiers (collectivité, EPCI)"
	@echo "  poitiers@demo.quartiers-connectes.fr          Ville de Poitiers (commune, cosigne les conventions TFPB)"
	@echo "  buxerolles@demo.quartiers-connectes.fr        Ville de Buxerolles (commune, idem)"
	@echo "  saint-benoit@demo.quartiers-connectes.fr      Ville de Saint-Benoît (commune, idem)"
	@echo "  etat@demo.quartiers-connectes.fr              Préfecture de la Vienne (État)"
	@echo "  operateur@demo.quartiers-connectes.fr         FibreCité (opérateur, titulaire du marché)"
	@echo "  operateur2@demo.quartiers-connectes.fr        Réseau Solidaire Télécom (opérateur concurrent)"
	@echo
	DEBUG=1 $(MAKE) --no-print-directory serve

# The background worker runs beside the web server and stops with it.
serve:
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST)

worker: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py db_worker

test: $(VENV)/.installed-dev node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings_test
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-wal db.sqlite3-shm var/test-media
