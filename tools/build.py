"""Assemble the static site that ships (and that the tests and the bench load) in _site/.

The site is exactly what a static host serves: index.html, pyscript.toml, py/ and site/
(with the vendored runtime). Usage: python tools/build.py [--out DIR]
"""

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["index.html", "pyscript.toml", "py", "site"]


def build(out: Path) -> None:
    if not (ROOT / "site" / "vendor").is_dir():
        raise SystemExit("build: site/vendor/ is missing; run tools/vendor.py first (make vendor)")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, out / name)
    print(f"build: site assembled in {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_site")
    build(parser.parse_args().out)


if __name__ == "__main__":
    main()
