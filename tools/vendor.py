"""Fetch, verify and place the runtime files the page serves (Pyodide, NumPy).

Every file is pinned in vendor.lock.json by its source package and sha256. Sources come from the
registries through their own clients (npm, pip) into a cache; the files are taken out of them,
checked, and written under site/vendor/. A file already in place with the right hash is left
alone, so a second run downloads nothing. Any hash mismatch aborts with both hashes named.

Usage: python tools/vendor.py [--dest DIR] [--cache DIR]
"""

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "vendor.lock.json"


class HashMismatch(Exception):
    pass


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check(name: str, data: bytes, expected: str) -> bytes:
    actual = sha256(data)
    if actual != expected:
        raise HashMismatch(f"{name}: sha256 is {actual}, expected {expected}")
    return data


def fetch_source(key: str, source: dict, cache: Path) -> Path:
    """Download one source package into the cache (once) and return its path after checking it."""
    cache.mkdir(parents=True, exist_ok=True)
    if "npm" in source:
        # npm names the tarball after the package: @scope/name@v -> scope-name-v.tgz
        spec = source["npm"]
        name, version = spec.lstrip("@").rsplit("@", 1)
        path = cache / f"{name.replace('/', '-')}-{version}.tgz"
        if not path.exists():
            print(f"vendor: npm pack {spec}", flush=True)
            subprocess.run(["npm", "pack", spec, "--pack-destination", str(cache), "--silent"],
                           check=True, stdout=subprocess.DEVNULL)
    else:
        spec = source["pip"]
        name, version = spec.split("==")
        existing = sorted(cache.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
        if existing:
            path = existing[0]
        else:
            print(f"vendor: pip download {spec}", flush=True)
            with tempfile.NamedTemporaryFile("w", suffix=".txt") as req:
                req.write(f"{spec} --hash=sha256:{source['sha256']}\n")
                req.flush()
                subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                                "--require-hashes", "-r", req.name, "-d", str(cache)], check=True)
            path = sorted(cache.glob(f"{name.replace('-', '_')}-{version}-*.whl"))[0]
    check(f"{path.name} (source '{key}', {cache})", path.read_bytes(), source["sha256"])
    return path


def read_member(archive: Path, member: str) -> bytes:
    if archive.suffix == ".tgz":
        with tarfile.open(archive) as tar:
            return tar.extractfile(member).read()
    with zipfile.ZipFile(archive) as zf:
        return zf.read(member)


def vendor(dest: Path, cache: Path) -> int:
    manifest = json.loads(MANIFEST.read_text())
    missing = []
    for entry in manifest["files"]:
        target = dest / entry["path"]
        if target.exists():
            check(f"{target} (delete it to fetch it again)", target.read_bytes(), entry["sha256"])
        else:
            missing.append(entry)
    sources = {}
    for entry in missing:
        key = entry["source"]
        if key not in sources:
            sources[key] = fetch_source(key, manifest["sources"][key], cache)
        data = check(f"{entry['member']} in {sources[key].name}",
                     read_member(sources[key], entry["member"]), entry["sha256"])
        target = dest / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"vendor: {len(manifest['files'])} files verified in {dest}"
          f" ({len(missing)} placed, {len(sources)} sources read)")
    return len(missing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=ROOT / "site" / "vendor")
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "vendor")
    args = parser.parse_args()
    try:
        vendor(args.dest, args.cache)
    except HashMismatch as err:
        sys.exit(f"vendor: hash mismatch, aborting: {err}")


if __name__ == "__main__":
    main()
