"""Shared fixtures: the built site served on loopback, Debian's Chromium, and a page guard that
fails a test on any console error, page error or request to another origin."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve, wait_for_snapshot

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_site"
PAGE_TIMEOUT_MS = 60_000  # a cold start of the runtime takes seconds on a busy 2-core machine
expect.set_options(timeout=PAGE_TIMEOUT_MS)


@pytest.fixture(scope="session")
def server_root(tmp_path_factory):
    """The built site at / and again under /tenline/, as on a GitHub Pages project site."""
    if not (SITE / "index.html").exists():
        pytest.exit("_site/ is missing: run the tests through `make test`", 2)
    root = tmp_path_factory.mktemp("www")
    for entry in SITE.iterdir():
        (root / entry.name).symlink_to(entry)
    (root / "tenline").symlink_to(SITE)
    return root


@pytest.fixture(scope="session")
def base_url(server_root):
    port = free_port()
    proc = serve(server_root, port)
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    proc.wait()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A service worker would answer requests before Playwright's routing sees them: every test
    # but the offline ones (which make their own contexts) runs with service workers blocked.
    return {**browser_context_args, "service_workers": "block"}


# The modules that test what the reader does with a working page, not how it starts: their tests
# share one browser context that has visited the page once, so each page starts as on a repeat
# visit (CPython and NumPy from the kept snapshot, the HTTP cache warm): seconds fewer per test,
# and no snapshot made in the background of each. First visits and every failure to start are
# tested elsewhere (test_page, test_pyscript, test_failures, test_snapshot, test_offline, ...).
REPEAT_VISIT_MODULES = {"test_lab", "test_views", "test_keyboard", "test_a11y", "test_editor",
                        "test_cube", "test_knobs", "test_lesson"}


@pytest.fixture(scope="session")
def visited_context(browser, browser_context_args, base_url):
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.goto(base_url)
    wait_for_snapshot(page)
    page.close()
    yield context
    context.close()


@pytest.fixture
def context(request, new_context):
    """pytest-playwright's fresh context per test, or the visited one (REPEAT_VISIT_MODULES)."""
    if request.module.__name__ not in REPEAT_VISIT_MODULES:
        yield new_context()
        return
    context = request.getfixturevalue("visited_context")
    yield context
    for page in context.pages:
        page.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# Installed before any page script: a breach of the page's Content-Security-Policy becomes a
# console error, which every test's guard then reports.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline code"}`));
"""


class PageGuard:
    """Collects what must never happen on the page."""

    def __init__(self, page, origin):
        self.errors = []
        self.foreign = []
        self.csp = []
        self.expected_csp = ()  # endings of violations a test provokes on purpose
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.context.route("**/*", self._route(origin))

    def _console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")
            if message.text.startswith("CSP violation"):
                self.csp.append(message.text)

    def _route(self, origin):
        def handle(route):
            if route.request.url.startswith(origin) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                self.foreign.append(route.request.url)
                route.abort()
        return handle


@pytest.fixture
def guard(page, base_url):
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    guard = PageGuard(page, base_url.rstrip("/"))
    yield guard
    # A route handler still at work on a late request (the favicon, say) when the test ends would
    # fail the next test's setup ("Request context disposed"): the handlers are let go unawaited.
    page.unroute_all(behavior="ignoreErrors")
    page.context.unroute_all(behavior="ignoreErrors")
    assert guard.foreign == [], "requests to another origin"
    unexpected = [v for v in guard.csp if not v.endswith(guard.expected_csp)]
    assert unexpected == [], "Content-Security-Policy violations"


@pytest.fixture
def clean(guard):
    """A test that also requires no console or page error from start to end."""
    yield guard
    assert guard.errors == []


@pytest.fixture(scope="session")
def axe_script():
    """axe-core's source, fetched and verified like the runtime (pinned in vendor.lock.json)."""
    import vendor
    axe = vendor.json.loads(vendor.MANIFEST.read_text())["test_sources"]["axe"]
    tarball = vendor.fetch_source("axe", axe, ROOT / ".cache" / "vendor")
    return vendor.read_member(tarball, axe["member"]).decode()
