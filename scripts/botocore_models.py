#!/usr/bin/env python3
"""Lays out botocore's service models the way `cargo xtask sweep` reads them.

    python3 scripts/botocore_models.py OUT [--version 1.44.8] [--protocol rest-json]

Downloads botocore's wheel (every service model) and source distribution
(the endpoint-rule tests) from PyPI into OUT/.download, then writes, for each
service whose model speaks the protocol (by `metadata.protocols`, else
`metadata.protocol`; `--protocol any` keeps all), the newest API version as

    OUT/<service>.json                      service-2.json
    OUT/<service>.paginators.json           paginators-1.json, if any
    OUT/<service>.endpoint-rule-set.json    endpoint-rule-set-1.json, if any
    OUT/<service>.endpoint-tests.json       endpoint-tests-1.json, if any
    OUT/shared/partitions.json

which is also the layout of this repository's models/ directory.
"""

import argparse
import gzip
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path


def download(version: str, into: Path) -> tuple[Path, Path]:
    into.mkdir(parents=True, exist_ok=True)
    wheel = into / f"botocore-{version}-py3-none-any.whl"
    sdist = into / f"botocore-{version}.tar.gz"
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(into)]
    if not wheel.exists():
        subprocess.run(pip + [f"botocore=={version}"], check=True)
    if not sdist.exists():
        subprocess.run(pip + ["--no-binary", ":all:", f"botocore=={version}"], check=True)
    return wheel, sdist


def speaks(metadata: dict, protocol: str) -> bool:
    if protocol == "any":
        return True
    offered = metadata.get("protocols") or [metadata.get("protocol")]
    return protocol in offered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--version", default="1.44.8")
    parser.add_argument("--protocol", default="rest-json")
    args = parser.parse_args()

    wheel, sdist = download(args.version, args.out / ".download")
    endpoint_tests = {}
    with tarfile.open(sdist) as tar:
        prefix = f"botocore-{args.version}/tests/functional/endpoint-rules/"
        for member in tar.getmembers():
            if member.name.startswith(prefix) and member.name.endswith("/endpoint-tests-1.json"):
                service = member.name[len(prefix):].split("/")[0]
                endpoint_tests[service] = tar.extractfile(member).read()

    written = 0
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        services: dict[str, str] = {}
        for name in names:
            parts = name.split("/")
            if len(parts) == 5 and parts[:2] == ["botocore", "data"] and parts[4] == "service-2.json.gz":
                service, api_version = parts[2], parts[3]
                services[service] = max(services.get(service, api_version), api_version)
        (args.out / "shared").mkdir(parents=True, exist_ok=True)
        (args.out / "shared" / "partitions.json").write_bytes(whl.read("botocore/data/partitions.json"))
        for service, api_version in sorted(services.items()):
            base = f"botocore/data/{service}/{api_version}/"
            model = gzip.decompress(whl.read(base + "service-2.json.gz"))
            if not speaks(json.loads(model)["metadata"], args.protocol):
                continue
            (args.out / f"{service}.json").write_bytes(model)
            for source, kind in [("paginators-1.json", "paginators"), ("endpoint-rule-set-1.json.gz", "endpoint-rule-set")]:
                if base + source in names:
                    data = whl.read(base + source)
                    if source.endswith(".gz"):
                        data = gzip.decompress(data)
                    (args.out / f"{service}.{kind}.json").write_bytes(data)
            if service in endpoint_tests:
                (args.out / f"{service}.endpoint-tests.json").write_bytes(endpoint_tests[service])
            written += 1
    print(f"{written} {args.protocol} models from botocore {args.version} in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
