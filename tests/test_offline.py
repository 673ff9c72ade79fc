"""Offline: after one visit the service worker (sw.js) serves the page and the runtime, so a reload
works with the server gone; a new build waits until no tab of the old one is open, then replaces
the old cache. These tests make their own contexts with service workers allowed (every other test
blocks them) and their own server."""

import shutil

import pytest
from playwright.sync_api import expect

import build
import model
from browser import free_port, serve, wait_until
from conftest import SITE, PageGuard
from pageutil import bit_box, settled_probability

SEED_WEIGHTS = model.train()


@pytest.fixture
def own_site(tmp_path):
    """A copy of the built site on its own server, which a test may change or stop."""
    root = tmp_path / "site"
    shutil.copytree(SITE, root)
    port = free_port()
    server = serve(root, port)
    yield root, f"http://127.0.0.1:{port}/", server
    server.terminate()
    server.wait()


@pytest.fixture
def offline_page(browser, own_site):
    context = browser.new_context(service_workers="allow")
    page = context.new_page()
    guard = PageGuard(page, own_site[1].rstrip("/"))
    yield page
    context.close()
    assert guard.foreign == [] and guard.errors == []


LOCK = "site/vendor/pyodide/pyodide-lock.json"

# Whether the download bar was ever shown, from the page's first byte.
WATCH_DOWNLOAD_BAR = """
window.__tenlineBarShown = false;
new MutationObserver(() => {
  const bar = document.getElementById("download-progress");
  if (bar && !bar.hidden) window.__tenlineBarShown = true;
}).observe(document, { subtree: true, childList: true, attributes: true });
"""


def cache_names(page):
    return page.evaluate("caches.keys()")


def wait_until_cached(page):
    """The service worker is installed (its cache filled) and active: the next visit is its."""
    wait_until(page, """() => navigator.serviceWorker.getRegistration()
                         .then((r) => r !== undefined && r.active !== null && r.active.state === "activated")""")
    return cache_names(page)


def replace_once(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1, f"{old} in {path}"
    path.write_text(text.replace(old, new))


def build_new_version(root):
    """A new build of the copied site, consistent in itself: a changed heading, a changed runtime
    file (pyodide-lock.json, a space added) with its new sha256 where the worker checks it, the
    worker's new sha256 where the page checks it, and the build's service worker for all of it."""
    replace_once(root / "index.html", "<h1>tenline</h1>", "<h1>tenline, new</h1>")
    lock, worker = root / LOCK, root / "site" / "worker.js"
    old_lock, old_worker = build.sri(lock), build.sri(worker)
    lock.write_text(lock.read_text() + " ")
    replace_once(worker, old_lock, build.sri(lock))
    replace_once(root / "site" / "boot.js", old_worker, build.sri(worker))
    build.write_service_worker(root)


def test_a_reload_without_the_server_still_trains_and_predicts(offline_page, own_site):
    root, url, server = own_site
    page = offline_page
    page.add_init_script(WATCH_DOWNLOAD_BAR)
    page.goto(url + "#iterations=2000&seed=5")
    settled_probability(page)
    assert len(wait_until_cached(page)) == 1
    server.terminate()
    server.wait()
    page.reload()
    weights = model.train(iterations=2000, seed=5)
    assert settled_probability(page) == model.predict(weights, (1, 0, 0))
    assert page.evaluate("window.__tenlineBarShown") is False, "files from the cache showed a download bar"
    bit_box(page, 2).click()
    assert settled_probability(page) == model.predict(weights, (1, 1, 0))
    expect(page.get_by_role("alert")).to_be_empty()


def test_a_new_build_waits_for_the_open_tab_then_replaces_the_old_cache(offline_page, own_site):
    root, url, _ = own_site
    page = offline_page
    page.goto(url)
    settled_probability(page)
    (old,) = wait_until_cached(page)
    page.reload()  # now loaded from the service worker's cache
    assert settled_probability(page) == model.predict(SEED_WEIGHTS, (1, 0, 0))
    old_lock = (root / LOCK).read_text()
    build_new_version(root)
    # The browser looks for a new sw.js on a visit and now and then; the test asks at once.
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    wait_until(page, "() => navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")
    # The new version is installed beside the old, and waits: the open tab is still handed its own
    # version's files (those its hashes were made for), not the new build's.
    assert old in cache_names(page) and len(cache_names(page)) == 2
    assert page.evaluate(f"fetch('{LOCK}').then((r) => r.text())") == old_lock
    bit_box(page, 2).click()
    assert settled_probability(page) == model.predict(SEED_WEIGHTS, (1, 1, 0))
    expect(page.get_by_role("alert")).to_be_empty()
    # Reloaded, the tab is still the old version, whole: its page, its runtime, its checks.
    page.reload()
    assert settled_probability(page) == model.predict(SEED_WEIGHTS, (1, 1, 0))
    expect(page.get_by_role("heading", level=1)).to_have_text("tenline")
    expect(page.get_by_role("alert")).to_be_empty()
    # Once no tab of the old version is left, the new one takes over and the old cache goes.
    context = page.context
    page.close()
    fresh = context.new_page()
    guard = PageGuard(fresh, url.rstrip("/"))
    fresh.goto(url)
    expect(fresh.get_by_role("heading", level=1)).to_have_text("tenline, new")
    assert settled_probability(fresh) == model.predict(SEED_WEIGHTS, (1, 0, 0))
    expect(fresh.get_by_role("alert")).to_be_empty()
    wait_until(fresh, "old => caches.keys().then((names) => names.length === 1 && names[0] !== old)", old)
    assert guard.errors == [] and guard.foreign == []
