"""The built page and its licences page are valid HTML for the Nu HTML Checker (vnu.jar, pinned in
vendor.lock.json).

The checker runs offline on the file itself, in Java (tools/ensure-java.sh installs it).
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import vendor

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "_site" / "index.html", ROOT / "_site" / "licences" / "index.html"]
# PyScript's own tag, <script type="py" src=… config=…> (or type="mpy"), is not HTML: the
# checker reports its type, its config attribute and a src on a data block. Only messages that
# point at such a tag are set aside; everything else on the page must be clean.
PYSCRIPT_TAG = re.compile(r'<script\b[^>]*\btype="m?py"')


@pytest.fixture(scope="session")
def vnu_jar(tmp_path_factory):
    """vnu.jar taken out of its npm package, fetched and checked like axe-core (conftest.py)."""
    source = json.loads(vendor.MANIFEST.read_text())["test_sources"]["vnu"]
    tarball = vendor.fetch_source("vnu", source, ROOT / ".cache" / "vendor")
    jar = tmp_path_factory.mktemp("vnu") / "vnu.jar"
    jar.write_bytes(vendor.read_member(tarball, source["member"]))
    return jar


def flagged_markup(message):
    """The source the checker highlights for a message (the tag it is about)."""
    start = message.get("hiliteStart", 0)
    return message.get("extract", "")[start:start + message.get("hiliteLength", 0)]


@pytest.mark.parametrize("html_file", PAGES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_page_is_valid_html(vnu_jar, html_file):
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: run `make test`, or `bash tools/ensure-java.sh`")
    # The schema is evaluated recursively: the checker asks for a stack of at least 512k (it
    # overflowed with the client compiler). Serial GC and the client compiler alone save a
    # fraction of the few seconds: a one-file check is over before the rest pays off.
    result = subprocess.run([java, "-Xss4m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                             "-jar", str(vnu_jar), "--format", "json", "--stdout", str(html_file)],
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.startswith("{"), f"vnu.jar did not run:\n{result.stderr}"
    messages = json.loads(result.stdout)["messages"]
    problems = [m for m in messages if m["type"] != "info"  # "info" is a warning or a note
                and not PYSCRIPT_TAG.match(flagged_markup(m))]
    if problems:
        pytest.fail(f"the Nu HTML Checker found {len(problems)} error(s) in {html_file}:\n" + "\n".join(
            f"line {m.get('firstLine', m.get('lastLine'))}, column {m.get('firstColumn')}: "
            f"{m['message']}\n    {flagged_markup(m)}" for m in problems), pytrace=False)
