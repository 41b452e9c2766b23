# The two commands the README opens with are `make demo` and `make test`.
SHELL := /bin/bash
UV_VERSION := 0.13.9
BOOTSTRAP := .bootstrap
UV := $(BOOTSTRAP)/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo serve test test-postgres lint format browser-deps bench-deps pds-deps messages bench bench-moment clean

$(UV):
	python3 -m venv $(BOOTSTRAP)
	$(BOOTSTRAP)/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen
	touch $@

demo: .venv/.synced  ## run the platform with demo data on http://127.0.0.1:8000
	.venv/bin/solidarity demo

browser-deps:  ## Debian's Chromium for the browser tests (Playwright's own download cannot work here)
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

bench-deps:  ## Debian's wrk (the load generator) and nginx (the ceiling the pages are measured against)
	@command -v wrk >/dev/null && command -v nginx >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null)

pds-deps: .venv/.synced  ## the Bluesky PDS the tests run on loopback (npm ci once, cached in ~/.cache/solidarity)
	.venv/bin/python -c "from solidarity.testing.bluesky import ensure_pds_installed; ensure_pds_installed()"

test: .venv/.synced browser-deps pds-deps  ## the whole suite on SQLite, lint included
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/python manage.py makemigrations --check --dry-run -v0
	.venv/bin/pytest -n 2 --dist loadfile

test-postgres: .venv/.synced browser-deps pds-deps  ## the same suite on PostgreSQL (DATABASE_URL must be set)
	.venv/bin/pytest -n 2 --dist loadfile

lint: .venv/.synced
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: .venv/.synced
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages: .venv/.synced  ## refresh the be/ru catalogues after changing UI strings
	cd solidarity && ../.venv/bin/python ../manage.py makemessages -l be -l ru --no-obsolete
	cd solidarity && ../.venv/bin/python ../manage.py compilemessages

bench: .venv/.synced bench-deps
	.venv/bin/python benchmarks/pages.py

bench-moment: .venv/.synced bench-deps  ## 10,000 pledges over 200 loopback hosts at T, against Mastodon.py in 64 threads
	.venv/bin/python benchmarks/moment.py

clean:
	rm -rf .venv $(BOOTSTRAP) var
