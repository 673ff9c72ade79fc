"""Take the docs' screenshots from the real page: `make screenshot` writes docs/screenshot.png (the
README's), the input cube for the seed and for XOR with four hidden neurons, seed 2 compared with
seed 1, and a lesson in a blog's frame."""

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
from state import DEFAULT, format_pin  # noqa: E402 (py/ is not on the path before)

STATE = "rows=001:0,011:1,101:1,111:0&bits=011&hidden=4&iterations=20000&seed=1&rate=1&at=3000"
CUBES = {"cube-seed.png": "", "cube-xor.png": "rows=001:0,011:1,101:1,111:0&hidden=4"}
# Seed 2 compared with seed 1 (pinned), and a lesson of two parts in a blog's 600 x 400 frame.
COMPARE = "seed=2&pin=" + format_pin(DEFAULT)
LESSON = "iterations=2000&show=bits,loss&lock=seed"


def settled(page, url):
    page.goto("about:blank")  # a new load: going to another fragment of the page would not be
    page.goto(url)
    page.wait_for_selector("#prediction[aria-busy='false']", timeout=120_000)


def blog(port):
    """A page of another origin (another port) with the lesson in a frame; its address."""
    folder = Path(tempfile.mkdtemp())
    (folder / "index.html").write_text(
        '<!doctype html><title>A blog</title><p>A lesson in a blog post:</p><iframe src="'
        f'http://127.0.0.1:{port}/#{LESSON}" width="600" height="400" title="tenline"></iframe>')
    blog_port = free_port()
    servers.append(serve(folder, blog_port))
    return f"http://127.0.0.1:{blog_port}/"


servers = []


def main(out=ROOT / "docs" / "screenshot.png"):
    port = free_port()
    servers.append(serve(ROOT / "_site", port))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            settled(page, f"http://127.0.0.1:{port}/#{STATE}")
            out.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(out))
            for name, fragment in CUBES.items():
                settled(page, f"http://127.0.0.1:{port}/#{fragment}")
                page.locator("#cube").screenshot(path=str(out.parent / name))
                print(f"screenshot: {out.parent / name}")
            settled(page, f"http://127.0.0.1:{port}/#{COMPARE}")
            page.locator(".lab").screenshot(path=str(out.parent / "compare.png"))
            page.goto(blog(port))
            frame = page.frame_locator("iframe")
            frame.locator("#prediction[aria-busy='false']").wait_for(timeout=120_000)
            page.screenshot(path=str(out.parent / "lesson-frame.png"),
                            clip={"x": 0, "y": 0, "width": 620, "height": 450})
            print(f"screenshot: {out.parent / 'compare.png'}, {out.parent / 'lesson-frame.png'}")
            browser.close()
    finally:
        for server in servers:
            server.terminate()
    print(f"screenshot: {out}")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:]))
