"""Serve the site on 127.0.0.1 with the MIME types Pyodide needs, whatever the system knows.

Python's http.server guesses types from the system's MIME table; without one it serves .mjs as
application/octet-stream (which browsers refuse as a module) and .wasm without application/wasm
(which disables streaming compilation). --rate and --delay make it a slow link (the tests' slow-link
fixture): every response waits out the delay (a round trip) and all of them share one bandwidth.
Usage: python tools/serve.py [--port N] [--root DIR] [--rate BYTES_PER_S --delay SECONDS]
"""

import argparse
import functools
import http.server
import threading
import time
from pathlib import Path

TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".py": "text/plain; charset=utf-8",
    ".toml": "text/plain; charset=utf-8",
}


class Link:
    """One link's bandwidth, shared by every connection: each chunk is sent in the next free slot,
    so parallel downloads split the rate as they would on one slow line."""

    CHUNK = 16 * 1024

    def __init__(self, rate):
        self.rate = rate
        self.free_at = time.monotonic()
        self.lock = threading.Lock()

    def send(self, source, target):
        while chunk := source.read(self.CHUNK):
            with self.lock:
                self.free_at = max(self.free_at, time.monotonic()) + len(chunk) / self.rate
                done_at = self.free_at
            time.sleep(max(0.0, done_at - time.monotonic()))
            target.write(chunk)


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def __init__(self, *args, link=None, delay=0.0, **kwargs):
        self.link, self.delay = link, delay  # set first: the base class handles the request
        super().__init__(*args, **kwargs)

    def send_head(self):
        time.sleep(self.delay)
        return super().send_head()

    def copyfile(self, source, outputfile):
        try:
            if self.link:
                self.link.send(source, outputfile)
            else:
                super().copyfile(source, outputfile)
        except ConnectionError:  # the page went away mid-download, as a reader's may: no traceback
            pass

    def log_message(self, format, *args):  # keep test output quiet; errors still show
        if not str(args[1] if len(args) > 1 else "").startswith(("2", "3")):
            super().log_message(format, *args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--rate", type=float, default=0, help="bytes per second (0: unlimited)")
    parser.add_argument("--delay", type=float, default=0, help="seconds before each response")
    args = parser.parse_args()
    handler = functools.partial(Handler, directory=str(args.root), delay=args.delay,
                                link=Link(args.rate) if args.rate else None)
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"Serving tenline on http://127.0.0.1:{args.port}/ (Ctrl-C stops)", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
