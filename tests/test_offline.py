"""Offline: after one visit the service worker (sw.js) serves the page and the runtime, so a reload
works with the server gone; a new build replaces the old cache. These tests make their own
contexts with service workers allowed (every other test blocks them) and their own server."""

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


def cache_names(page):
    return page.evaluate("caches.keys()")


def wait_until_cached(page):
    """The service worker is installed (its cache filled) and controls the page."""
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    return cache_names(page)


def test_a_reload_without_the_server_still_trains_and_predicts(offline_page, own_site):
    root, url, server = own_site
    page = offline_page
    page.goto(url + "#iterations=2000&seed=5")
    settled_probability(page)
    assert len(wait_until_cached(page)) == 1
    server.terminate()
    server.wait()
    page.reload()
    weights = model.train(iterations=2000, seed=5)
    assert settled_probability(page) == model.predict(weights, (1, 0, 0))
    bit_box(page, 2).click()
    assert settled_probability(page) == model.predict(weights, (1, 1, 0))
    expect(page.get_by_role("alert")).to_be_empty()


def test_a_new_build_replaces_the_old_cache(offline_page, own_site):
    root, url, _ = own_site
    page = offline_page
    page.goto(url)
    assert settled_probability(page) == model.predict(SEED_WEIGHTS, (1, 0, 0))
    (old,) = wait_until_cached(page)
    # A new version of the site: a changed page, and the build's new service worker for it.
    index = root / "index.html"
    index.write_text(index.read_text().replace("<h1>tenline</h1>", "<h1>tenline, new</h1>"))
    build.write_service_worker(root)
    page.reload()  # still the old version, from the cache; the browser finds the new sw.js
    # The new worker installs its cache, activates and deletes the old one.
    wait_until(page, "old => caches.keys().then(names => names.length === 1 && names[0] !== old)",
               old)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("tenline, new")
    assert settled_probability(page) == model.predict(SEED_WEIGHTS, (1, 0, 0))
