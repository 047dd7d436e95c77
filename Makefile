# Cities Network plugin: `make demo` (the main job), `make test` (what CI runs), `make quality`.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# Python 3.12 (what current Open edX runs) where it is installed, else python3.
PYTHON ?= $(shell for p in python3.12 $$(ls -d $$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3.12 2>/dev/null) python3; do \
            $$p -c 'import sys' >/dev/null 2>&1 && { command -v $$p || echo $$p; } && break; done)
VENV ?= .venv
VPY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: help venv demo test bench quality translations requirements system-deps clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

system-deps: ## install the system packages the project needs: build libraries, GNU gettext (Debian, as root)
	@bash scripts/system_deps.sh

WIDGETS_LOCK := tutor-cities-network/tutorcitiesnetwork/widgets/package-lock.json
$(STAMP): requirements/quality.txt requirements/test.txt requirements/base.txt setup.py tests/js/package-lock.json \
		$(WIDGETS_LOCK) | system-deps
	@echo "Creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	@test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	@$(VPY) -m pip install --quiet --upgrade pip
	@$(VPY) -m pip install --quiet -r requirements/quality.txt
	@$(VPY) -m pip install --quiet --no-deps -e .
	@bash scripts/install_test_js.sh
	@bash scripts/install_mfe_widgets.sh
	@touch $(STAMP)

venv: $(STAMP)

test: $(STAMP) ## the whole suite: SQLite, then MariaDB, for the LMS and Studio hosts
	@VENV=$(VENV) bash scripts/test_tiers.sh

bench: $(STAMP) ## measure the pipeline, backfill, report and Open Badges on SQLite and MariaDB (docs/performance.md)
	@$(VPY) -m benchmarks.run

quality: $(STAMP) ## lint, import order, PII, setting and toggle annotations, migrations
	@VENV=$(VENV) bash scripts/quality.sh

demo: $(STAMP) ## seed a demo network in .demo/ and serve it on 127.0.0.1:$(PORT)
	@mkdir -p .demo
	@$(VPY) manage.py migrate --noinput -v0
	@PORT=$(PORT) $(VPY) manage.py cities_network_demo
	@echo
	@echo "Open http://127.0.0.1:$(PORT)/login/ and sign in with one of the logins above."
	@echo "  Studio city console   http://127.0.0.1:$(PORT)/cities-network/console/        (ruta)"
	@echo "  Learner wallet        http://127.0.0.1:$(PORT)/cities-network/badges/         (learner)"
	@echo "  City page             http://127.0.0.1:$(PORT)/cities-network/c/vilnius/"
	@echo "  Network report        http://127.0.0.1:$(PORT)/admin/cities_network_plugin/report/  (nina)"
	@echo "  Django admin          http://127.0.0.1:$(PORT)/admin/"
	@echo "  Cities API            http://127.0.0.1:$(PORT)/cities-network/api/v1/cities/"
	@echo "  API schema (OpenAPI)  http://127.0.0.1:$(PORT)/cities-network/api/v1/schema/"
	@echo "  Join form             http://127.0.0.1:$(PORT)/cities-network/join/"
	@echo "  Onboarding (API)      http://127.0.0.1:$(PORT)/cities-network/api/v1/cities/vilnius/onboarding/"
	@echo "Emails the demo sends are written to .demo/emails/."
	@echo "Stop with Ctrl-C. The data stays in .demo/; 'make clean' removes it."
	@PORT=$(PORT) $(VPY) manage.py runserver 127.0.0.1:$(PORT) --noreload

# The message catalogues live in the package (cities_network_plugin/locale/<lang>/LC_MESSAGES/django.po and .mo), where
# Django finds an installed app's translations; docs/translations.md says how to add a language.
LANGUAGES ?= en lt
translations: $(STAMP) | system-deps ## extract the messages into the catalogues (en, lt) and compile them
	cd cities_network_plugin && env -u DJANGO_SETTINGS_MODULE $(abspath $(VPY)) -m django makemessages \
		$(addprefix -l ,$(LANGUAGES)) --add-location file --no-obsolete --ignore 'migrations/*' --ignore '__pycache__/*'
	cd cities_network_plugin && env -u DJANGO_SETTINGS_MODULE $(abspath $(VPY)) -m django compilemessages
	@for po in cities_network_plugin/locale/*/LC_MESSAGES/django.po; do \
		printf '%s: ' "$$po"; msgfmt --check --statistics -o /dev/null "$$po" 2>&1; done

requirements: ## recompile the pinned requirements/*.txt from the *.in files (with Python 3.11, the oldest supported)
	python3.11 -m venv .venv-compile && .venv-compile/bin/pip install --quiet pip-tools
	cd requirements && for f in base test quality dev; do \
		../.venv-compile/bin/python -m piptools compile --quiet --allow-unsafe --no-emit-index-url --strip-extras --upgrade \
		--output-file $$f.txt $$f.in; done

clean: ## remove the virtualenv, the demo database and reports
	rm -rf $(VENV) .venv-tutor .venv-compile .venv-pins-* .demo .annotation_reports .tox build *.egg-info
