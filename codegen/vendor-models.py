#!/usr/bin/env python3
"""Vendor AWS API models from the botocore installed on this machine.

The models are data: haneul's wire layer is driven by them. Documentation strings
are dropped (they are most of the bytes and haneul never reads them); everything
else is kept as botocore ships it. The botocore version goes to data/VERSION.

usage: python3 codegen/vendor-models.py [service ...]
"""
import glob, gzip, json, os, sys

import botocore

SERVICES = sys.argv[1:] or [l.strip() for l in open(os.path.join(os.path.dirname(__file__), "services.txt")) if l.strip() and not l.startswith("#")]
OUT = os.path.join(os.path.dirname(__file__), "..", "internal", "awsproto", "model", "data")
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in ("documentation", "documentationUrl", "examples")}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


os.makedirs(OUT, exist_ok=True)
index = {}
for svc in SERVICES:
    path = sorted(glob.glob(os.path.join(DATA, svc, "*", "service-2.json*")))[-1]
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        model = strip(json.load(f))
    raw = json.dumps(model, separators=(",", ":"), sort_keys=True).encode()
    with gzip.GzipFile(os.path.join(OUT, svc + ".json.gz"), "wb", mtime=0) as f:
        f.write(raw)
    meta = {k: v for k, v in model["metadata"].items() if k in (
        "apiVersion", "endpointPrefix", "signingName", "protocol", "protocols", "jsonVersion", "targetPrefix", "awsQueryCompatible")}
    meta["operations"] = sorted(model["operations"])
    index[svc] = meta
with open(os.path.join(OUT, "index.json"), "w") as f:
    json.dump(index, f, separators=(",", ":"), sort_keys=True)
with open(os.path.join(OUT, "VERSION"), "w") as f:
    f.write("botocore %s\n" % botocore.__version__)
