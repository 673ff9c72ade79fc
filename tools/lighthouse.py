"""Lighthouse scores for the built site (_site/), mobile and desktop presets, in Debian's Chromium.

Lighthouse 12.8.2 is pinned in tools/lighthouse/package-lock.json and installed on first use into
.cache/lighthouse/ with `npm ci`. The site is served on loopback; Chromium resolves no other host,
so nothing is fetched from another origin, and Lighthouse itself (node, error reporting off) only
talks to Chromium on loopback (both checked with strace). Prints the four category scores, the
load metrics and the titles of failed audits outside Performance, for the median of three runs. Asserts nothing; the targets are
performance >= 0.95 on both presets, and 1.0 for accessibility, best practices and SEO.

Usage: python tools/lighthouse.py   (uses _site/ as it is: run `make site` first)
Other tools call run(base_url) -> {preset: {"scores", "metrics", "failed", "seconds"}}.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tools" / "lighthouse"  # package.json and package-lock.json
PREFIX = ROOT / ".cache" / "lighthouse"
CLI = PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
PRESETS = {"mobile": [], "desktop": ["--preset=desktop"]}  # mobile is Lighthouse's default
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {  # Lighthouse audit id: (label, divisor, unit)
    "first-contentful-paint": ("FCP", 1000, "s"),
    "largest-contentful-paint": ("LCP", 1000, "s"),
    "total-blocking-time": ("TBT", 1, "ms"),
    "cumulative-layout-shift": ("CLS", 1, ""),
    "speed-index": ("SI", 1000, "s"),
}


def install() -> Path:
    """npm ci into the cache, once per lock file: a copy of the lock is kept as the stamp, written
    only after a successful install, so an interrupted install is redone."""
    lock = (SPEC / "package-lock.json").read_bytes()
    stamp = PREFIX / "installed-lock.json"
    if CLI.exists() and stamp.exists() and stamp.read_bytes() == lock:
        return CLI
    PREFIX.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(SPEC / name, PREFIX / name)
    print("lighthouse: npm ci (once)", flush=True)
    # No dependency has an install script; ignoring scripts keeps the install from running code.
    subprocess.run(["npm", "ci", "--prefix", str(PREFIX), "--ignore-scripts", "--no-audit",
                    "--no-fund", "--loglevel=error"], check=True)
    stamp.write_bytes(lock)
    return CLI


def chrome_flags() -> str:
    """The shared Chromium flags as one --chrome-flags string. Lighthouse splits it like a shell
    command line, so a value with spaces (the host-resolver rules) must be single-quoted; unquoted,
    it is cut at the first space and silently ignored, and Chromium may resolve other hosts."""
    flags = ["--headless=new"]  # Lighthouse's launcher starts a headed browser unless told
    for arg in CHROMIUM_ARGS:
        if " " in arg:
            name, value = arg.split("=", 1)
            arg = f"{name}='{value}'"
        flags.append(arg)
    return " ".join(flags)


def summarise(report: dict) -> dict:
    cats = report["categories"]
    audits = report["audits"]
    failed = []
    for cat in CATEGORIES[1:]:  # performance audits are opportunities, not pass/fail
        for ref in cats[cat]["auditRefs"]:
            audit = audits[ref["id"]]
            # score None: manual, informative or not applicable (never failures), or an audit
            # that could not run, which is listed too
            if (audit["score"] is not None and audit["score"] < 1
                    or audit["scoreDisplayMode"] == "error"):
                # the offending markup, when the audit names elements, says what to fix
                items = audit.get("details", {}).get("items", [])
                nodes = [i["node"]["snippet"] for i in items if "snippet" in i.get("node", {})]
                failed.append(f"{cats[cat]['title']}: {audit['title']} [{ref['id']}]"
                              + "".join(f"\n    {snippet}" for snippet in nodes))
    return {
        "scores": {cat: cats[cat]["score"] for cat in CATEGORIES},
        "metrics": {label: audits[key].get("numericValue", float("nan")) / div
                    for key, (label, div, _) in METRICS.items()},
        "failed": failed,
        "warnings": report.get("runWarnings", []),
        "error": report.get("runtimeError", {}).get("message"),
    }


def run(base_url: str, runs: int = 3) -> dict:
    """Lighthouse on base_url with each preset, `runs` times; returns per preset the summary of
    the run with the median performance score (one run says little: its simulated throttling
    multiplies whatever else the machine is doing), with every run's score beside it."""
    cli = install()
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for preset, extra in PRESETS.items():
            summaries = []
            for i in range(runs):
                out = Path(tmp) / f"{preset}-{i}.json"
                start = time.monotonic()
                # A page that fails (no paint, say) still gets a report, with no scores and its
                # runtimeError, and a non-zero exit: only a missing report is fatal here.
                proc = subprocess.run(["node", str(cli), base_url, *extra, "--output=json",
                                       f"--output-path={out}", "--quiet",
                                       "--no-enable-error-reporting",
                                       f"--chrome-flags={chrome_flags()}"], env=env)
                if not out.exists():
                    raise RuntimeError(f"lighthouse ({preset}) wrote no report, exit {proc.returncode}")
                summaries.append(summarise(json.loads(out.read_text())))
                summaries[-1]["seconds"] = time.monotonic() - start
            ranked = sorted(summaries, key=lambda s: s["scores"]["performance"] or 0)
            results[preset] = {**ranked[len(ranked) // 2],
                               "runs": [s["scores"]["performance"] for s in summaries]}
    return results


def print_table(results: dict) -> None:
    presets = list(results)
    print(f"{'Lighthouse 12.8.2':<18}" + "".join(f"{p:>10}" for p in presets))
    for cat in CATEGORIES:
        scores = [results[p]["scores"][cat] for p in presets]  # None when the run failed
        print(f"{cat:<18}" + "".join(f"{float('nan') if x is None else x:>10.2f}" for x in scores))
    for label, div, unit in METRICS.values():
        digits = 3 if label == "CLS" else (0 if unit == "ms" else 2)
        row = "".join(f"{results[p]['metrics'][label]:>{10 - len(unit)}.{digits}f}{unit}"
                      for p in presets)
        print(f"{label:<18}{row}")
    print(f"{'run time':<18}" + "".join(f"{results[p]['seconds']:>9.0f}s" for p in presets))
    for p in presets:
        print(f"performance, every run ({p}; the columns show the median run): "
              + ", ".join("failed" if x is None else f"{x:.2f}" for x in results[p]["runs"]))
    for p in presets:
        for line in results[p]["failed"]:
            print(f"failed ({p}): {line}")
        error = results[p]["error"]
        for line in results[p]["warnings"] + ([error] if error else []):
            print(f"{'error' if line == error else 'warning'} ({p}): {line}")


def main() -> None:
    site = ROOT / "_site"
    if not (site / "index.html").exists():
        sys.exit("lighthouse: _site/ is missing; run `make site` first")
    port = free_port()
    server = serve(site, port)
    try:
        print_table(run(f"http://127.0.0.1:{port}/"))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
