# tenline: `make serve` to see the page, `make test` to check it. Both set up what they need.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python

.PHONY: serve test bench vendor site browser java engines lighthouse runtime-modules screenshot clean

vendor:  ## fetch and verify the runtime (Pyodide, NumPy) into site/vendor/
	$(PYTHON) tools/vendor.py

site: vendor  ## assemble the static site that ships, in _site/
	$(PYTHON) tools/build.py

serve: site  ## serve the page on http://127.0.0.1:$(PORT)/
	$(PYTHON) tools/serve.py --port $(PORT) --root _site

$(VENV)/.installed: requirements-test.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

browser:  ## Debian's Chromium for Playwright (playwright install cannot work offline)
	bash tools/ensure-chromium.sh

java:  ## Java 11+ for the Nu HTML Checker (tests/test_html.py)
	bash tools/ensure-java.sh

# Not fatal: where the engines cannot be installed (not root, no apt), tests/test_engines.py skips
# with the script's reason; where they can, or TENLINE_REQUIRE_ENGINES=1 (the Pages workflow), the
# tests require them.
engines:  ## Firefox ESR and WebKitGTK for tests/test_engines.py (installed with apt when root)
	-bash tools/ensure-engines.sh

test: site $(VENV)/.installed browser java engines  ## the whole suite: model, state, page, engines
	$(VPY) -m pytest

# AGAINST=path/to/another/_site adds an interleaved A/B of the first prediction against that build.
bench: site $(VENV)/.installed browser  ## print load, training and latency figures for this machine
	$(VPY) tools/bench.py $(if $(AGAINST),--against $(AGAINST))

lighthouse: site browser  ## Lighthouse scores, mobile and desktop (installs Lighthouse into .cache/ once)
	$(PYTHON) tools/lighthouse.py

runtime-modules: vendor $(VENV)/.installed browser  ## recompute the kept modules after a new import
	$(VPY) tools/keep.py
	$(PYTHON) tools/build.py --record

screenshot: site $(VENV)/.installed browser  ## docs/screenshot.png, for the README
	$(VPY) tools/screenshot.py

clean:
	rm -rf _site .pytest_cache
