# The two commands of the README: `make run` and `make test`. Everything else is what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app nmg_ops
INSTALLED := $(VENV)/.installed
TEST_WORKERS ?= auto
CATALOGUES := $(wildcard nmg_ops/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run test lint system-packages install translations extract-messages

run: install translations
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	NMG_EMBEDDED_SCHEDULER=true $(BIN)/gunicorn --workers 1 --threads 8 --bind 127.0.0.1:5000 \
		--access-logfile - 'nmg_ops:create_app()'

# The tests run on as many workers as the machine has cores, each with its own databases and servers;
# a worker that runs out of tests takes some of the other's, so a long test at the end does not leave a core
# idle; the ten slowest are named at the end, so a test that grows slow is seen where it is run.
test: install translations system-packages
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=10

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

translations: $(COMPILED)

%.mo: %.po $(INSTALLED)
	$(BIN)/pybabel compile -i $< -o $@

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k _nl:1,2 -o nmg_ops/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i nmg_ops/translations/messages.pot -d nmg_ops/translations --no-fuzzy-matching

system-packages:
	bash .ci/system-packages
