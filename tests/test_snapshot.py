"""A later visit restores CPython from the snapshot the page kept after the first one
(site/worker.js), gives the very numbers CPython gives, and never trusts a snapshot that is
damaged or was made from other runtime files: it starts afresh and makes a new one. It also runs
WebAssembly the page compiled (site/boot.js), and starts all the same when the page cannot."""

import pytest
from playwright.sync_api import expect

import model
from browser import (COMPILED_BY_PAGE, NUMPY_COMPILED_BY_PAGE, SNAPSHOT_DB, STARTED_FROM_SNAPSHOT,
                     STORED_SNAPSHOT, wait_for_snapshot)
from pageutil import bit_box, settled_probability

SHA256 = """
const sha256 = async (bytes) => Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)),
                                           (b) => b.toString(16).padStart(2, "0")).join("");
const bytesOf = async (blob) => new Uint8Array(await blob.arrayBuffer());
"""

# Spoils the kept snapshot in place, as named; returns the runtime it was made for.
SPOIL = f"""async how => {{ {SNAPSHOT_DB} {SHA256}
  const db = await opened();
  const saved = await asked(db, "readonly", (store) => store.get("python"));
  const of = saved.of;
  const memory = await bytesOf(saved.memory);
  const library = await bytesOf(saved.libraries[0].bytes);
  if (how === "damaged") memory[memory.length >> 1] ^= 1;
  if (how === "unrestorable") {{  // its checksum matches, but it is no snapshot
    memory.fill(0, 0, 64);
    saved.sha256 = await sha256(memory);
  }}
  if (how === "another build's") saved.of = of.replace("sha256-", "sha256-0");
  if (how === "with a damaged library") library[100] ^= 1;
  saved.memory = new Blob([memory]);
  saved.libraries[0].bytes = new Blob([library]);
  // Sound, but not where the snapshot's memory expects it: the restore must notice and give up.
  if (how === "with a library placed elsewhere") saved.libraries[saved.libraries.length - 1].tableBase += 1;
  await asked(db, "readwrite", (store) => store.put(saved, "python"));
  db.close();
  return of;
}}"""

# Whether the kept snapshot is for the runtime named and its memory still has its checksum.
SOUND_FOR = f"""async of => {{ {SNAPSHOT_DB} {SHA256}
  const db = await opened();
  const saved = await asked(db, "readonly", (store) => store.get("python"));
  db.close();
  return saved.of === of && await sha256(await bytesOf(saved.memory)) === saved.sha256;
}}"""


def test_a_later_visit_restores_cpython_and_gives_cpythons_numbers(page, clean, base_url):
    page.goto(base_url + "#hidden=4&iterations=3000&seed=7")
    weights = model.train(hidden=4, iterations=3000, seed=7)
    assert settled_probability(page) == model.predict(weights, (1, 0, 0))
    assert page.evaluate(STARTED_FROM_SNAPSHOT) is False  # a first visit starts CPython
    assert page.evaluate(COMPILED_BY_PAGE) is False  # and compiles in the worker
    assert wait_for_snapshot(page) > 1_000_000
    page.reload()
    assert settled_probability(page) == model.predict(weights, (1, 0, 0))
    assert page.evaluate(STARTED_FROM_SNAPSHOT) is True
    assert page.evaluate(COMPILED_BY_PAGE) is True
    assert page.evaluate(NUMPY_COMPILED_BY_PAGE) is True
    bit_box(page, 3).click()
    assert settled_probability(page) == model.predict(weights, (1, 0, 1))
    expect(page.get_by_role("alert")).to_be_empty()


@pytest.mark.parametrize("how", ["damaged", "unrestorable", "another build's", "with a damaged library",
                                 "with a library placed elsewhere"])
def test_a_bad_snapshot_is_not_restored_and_a_good_one_replaces_it(page, guard, base_url, how):
    page.goto(base_url)
    settled_probability(page)
    wait_for_snapshot(page)
    runtime = page.evaluate(SPOIL, how)
    page.reload()
    assert settled_probability(page) == model.predict(model.train(), (1, 0, 0))
    assert page.evaluate(STARTED_FROM_SNAPSHOT) is False
    expect(page.get_by_role("alert")).to_be_empty()
    # Forgotten: gone, or already replaced by a sound one (a new one is made once the page
    # has shown its prediction).
    assert page.evaluate(STORED_SNAPSHOT) == 0 or page.evaluate(SOUND_FOR, runtime)
    # The page makes a new snapshot, sound and for this runtime; the next visit restores it.
    wait_for_snapshot(page)
    assert page.evaluate(SOUND_FOR, runtime)
    page.reload()
    assert settled_probability(page) == model.predict(model.train(), (1, 0, 0))
    assert page.evaluate(STARTED_FROM_SNAPSHOT) is True
    assert guard.errors == []


def test_a_later_visit_starts_when_the_page_cannot_compile_webassembly(page, clean, base_url):
    # A browser or host that refuses compiling on the page: the worker compiles, as on a first visit.
    page.goto(base_url + "#bits=011")
    settled_probability(page)
    wait_for_snapshot(page)
    page.add_init_script("WebAssembly.compileStreaming = () => Promise.reject(new Error('refused'))")
    page.reload()
    assert settled_probability(page) == model.predict(model.train(), (0, 1, 1))
    assert page.evaluate(STARTED_FROM_SNAPSHOT) is True
    assert page.evaluate(COMPILED_BY_PAGE) is False
    expect(page.get_by_role("alert")).to_be_empty()


def test_a_changed_numpy_library_file_is_not_used_on_a_later_visit(page, clean, base_url):
    # The page compiles NumPy's core library from its own file (site/boot.js); a file that is not
    # the one built (here still valid WebAssembly) is not handed over: the snapshot's checked
    # copy is compiled instead, and the numbers are the same.
    page.goto(base_url)
    settled_probability(page)
    wait_for_snapshot(page)

    def with_a_custom_section(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.body() + b"\x00\x02\x01x")

    page.route("**/vendor/pyodide/_multiarray_umath.wasm", with_a_custom_section)
    page.reload()
    assert settled_probability(page) == model.predict(model.train(), (1, 0, 0))
    assert page.evaluate(STARTED_FROM_SNAPSHOT) is True
    assert page.evaluate(COMPILED_BY_PAGE) is True
    assert page.evaluate(NUMPY_COMPILED_BY_PAGE) is False
