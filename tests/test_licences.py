"""The built site carries the licence texts of everything it ships, linked from the page's footer.

The shipped packages are found from the build itself, not from a list kept beside the one the
build uses: every source in vendor.lock.json with a file in _site/ (a wheel counts as its own
package), CPython as Pyodide's lock file names it, and tenline. Each must have a section in
_site/licences/index.html linking to non-empty plain-text files, and every licence file a shipped
package carries (the npm package's own, a bundled part's whose code ships, each in a shipped
wheel) must be there byte for byte.
"""

import json
import re
import tarfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from playwright.sync_api import expect

import vendor

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_site"
RUNTIME = SITE / "site" / "vendor"
LICENCES = SITE / "licences"
LICENCE_NAME = re.compile(r"(^|/)(LICEN[CS]E|COPYING|NOTICE)[^/]*$", re.I)


class Sections(HTMLParser):
    """{h2 text: [href of each link after it]} of the licences page."""

    def __init__(self):
        super().__init__()
        self.sections, self._heading, self._in_h2 = {}, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self._in_h2, self._heading = True, ""
        elif tag == "a" and self._heading in self.sections:
            self.sections[self._heading].append(dict(attrs)["href"])

    def handle_data(self, data):
        if self._in_h2:
            self._heading += data

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2, self._heading = False, self._heading.strip()
            self.sections[self._heading] = []


def manifest():
    return json.loads(vendor.MANIFEST.read_text())


def shipped_sources():
    """{source key: its files that are in the built site}, for the sources with any there."""
    shipped = {}
    for entry in manifest()["files"]:
        if (RUNTIME / entry["path"]).exists():
            shipped.setdefault(entry["source"], []).append(entry["path"])
    return shipped


def shipped_packages():
    """The title each shipped package's section must have (name and version)."""
    sources = manifest()["sources"]
    titles = {"tenline"}
    for key, paths in shipped_sources().items():
        wheels = [path for path in paths if path.endswith(".whl")]
        for wheel in wheels:
            name, version = Path(wheel).name.split("-")[:2]
            titles.add(f"{name} {version}")
        if len(wheels) < len(paths):  # files of the source package itself
            name, version = sources[key]["npm"].rsplit("@", 1)
            titles.add(f"{name} {version}")
    lock = json.loads((RUNTIME / "pyodide" / "pyodide-lock.json").read_text())
    titles.add(f"CPython {lock['info']['python']}")
    return titles


def licences_page():
    parser = Sections()
    parser.feed((LICENCES / "index.html").read_text())
    return parser.sections


def shipped_texts(title):
    return [(LICENCES / href).read_bytes() for href in licences_page()[title]]


def applies(member, stems):
    """Whether an npm package's licence file covers what is shipped: its own, or a bundled
    part's whose code ships."""
    if re.fullmatch(r"package/(LICEN[CS]E|COPYING)[^/]*", member, re.I):
        return True
    part = member.rsplit("/", 1)[-1].split(".")[0]
    return "3rd-party-licenses/" in member and bool(LICENCE_NAME.search(member)) and part in stems


def test_the_packages_are_found():
    """The derivation finds the runtime's parts (so the checks below cannot pass on nothing)."""
    names = {title.rsplit(" ", 1)[0] for title in shipped_packages()}
    assert {"tenline", "CPython", "numpy", "pyodide", "@pyscript/core",
            "@micropython/micropython-webassembly-pyscript"} <= names


def test_every_shipped_package_has_its_licence_text():
    sections = licences_page()
    for title in sorted(shipped_packages()):
        assert sections.get(title), f"{title} is shipped, but the licences page has no texts for it"
        for href in sections[title]:
            path = LICENCES / href
            assert path.suffix == ".txt" and path.is_file(), f"{title}: {href} is not a text file"
            text = path.read_text()
            assert re.search(r"licen[cs]e|permission", text, re.I), f"{title}: {href} is no licence"


def test_each_package_keeps_its_own_licence_files():
    """What a shipped package carries is shipped as it is: NumPy's notice (and those of the parts
    it vendors) beside its binaries, an npm package's LICENSE, and the licence of a bundled part
    whose code ships (PyScript's TOML parser, in toml-*.js)."""
    sources = manifest()["sources"]
    cache = ROOT / ".cache" / "vendor"
    for key, paths in shipped_sources().items():
        for path in paths:
            if path.endswith(".whl"):
                name, version = Path(path).name.split("-")[:2]
                with zipfile.ZipFile(RUNTIME / path) as wheel:
                    carried = {m: wheel.read(m) for m in wheel.namelist() if LICENCE_NAME.search(m)}
                assert carried, f"{path} carries no licence file"
                texts = shipped_texts(f"{name} {version}")
                for member, data in carried.items():
                    assert data in texts, f"{member} of {path} is not in _site/licences/"
        if "npm" not in sources[key]:
            continue
        tarball = vendor.fetch_source(key, sources[key], cache)
        # A bundled part's file is named after it (toml-V4Savzlc.js, 3rd-party-licenses/toml.*).
        stems = {Path(path).name.split("-")[0].split(".")[0] for path in paths}
        with tarfile.open(tarball) as tar:
            carried = {m.name: tar.extractfile(m).read() for m in tar.getmembers()
                       if m.isfile() and applies(m.name, stems)}
        name, version = sources[key]["npm"].rsplit("@", 1)
        texts = shipped_texts(f"{name} {version}")
        for member, data in carried.items():
            assert data in texts, f"{member} of {sources[key]['npm']} is not in _site/licences/"


def test_a_package_without_a_licence_file_says_where_its_text_came_from():
    """Pyodide's and MicroPython's npm packages carry no licence file: their texts are copies,
    pinned by sha256, and the page says where each was copied from."""
    page = (LICENCES / "index.html").read_text()
    for key, package in manifest()["licences"].items():
        for text in package["texts"] if not key.startswith("_") else []:
            if text.get("file", "").startswith("licences/"):
                assert vendor.sha256((ROOT / text["file"]).read_bytes()) == text["sha256"]
                assert text["from"] in page.replace("&#x27;", "'"), text["file"]


def test_footer_link_leads_to_the_texts(page, base_url, guard):
    page.goto(base_url)
    page.get_by_role("contentinfo").get_by_role("link", name="Licences").click()
    expect(page.get_by_role("heading", level=1, name="Licences")).to_be_visible()
    numpy = page.get_by_role("region", name=re.compile(r"^numpy "))
    numpy.get_by_role("link", name=re.compile(r"\.dist-info\/LICENSE\.txt$")).click()
    expect(page.locator("body")).to_contain_text("Copyright (c) 2005-2024, NumPy Developers.")
    page.go_back()
    page.get_by_role("region", name=re.compile(r"^pyodide ")).get_by_role("link").click()
    expect(page.locator("body")).to_contain_text("Mozilla Public License Version 2.0")
