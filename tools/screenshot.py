"""Take the README's screenshot from the real page: `make screenshot` writes docs/screenshot.png."""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve

ROOT = Path(__file__).resolve().parent.parent
STATE = "rows=001:0,011:1,101:1,111:0&bits=011&hidden=4&iterations=20000&seed=1&rate=1&at=3000"


def main(out=ROOT / "docs" / "screenshot.png"):
    port = free_port()
    server = serve(ROOT / "_site", port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.goto(f"http://127.0.0.1:{port}/#{STATE}")
            page.wait_for_selector("#prediction[aria-busy='false']", timeout=120_000)
            out.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(out))
            browser.close()
    finally:
        server.terminate()
    print(f"screenshot: {out}")


if __name__ == "__main__":
    main(*(Path(a) for a in sys.argv[1:]))
