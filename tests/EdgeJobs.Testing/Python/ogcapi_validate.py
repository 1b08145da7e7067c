#!/usr/bin/python3
"""Validates documents against the official OGC API - Processes 1.0 schemas (tests/data/ogcapi-processes-1.0).

stdin: a JSON array of {"schema": "statusInfo", "name": "what it is", "document": {...}}. Prints one line per invalid
document and exits 1 when there is any; exits 0 when every document is valid.
"""
import base64
import binascii
import json
import pathlib
import sys

import jsonschema
import yaml

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "data" / "ogcapi-processes-1.0" / "core" / "openapi" / "schemas"


def load(uri):
    path = pathlib.Path(uri.removeprefix("file://"))
    with path.open() as f:
        return yaml.safe_load(f)


def byte(value):
    """format: byte is base64 (OpenAPI 3.0); asserting it is what tells a string from a binaryInputValue."""
    if not isinstance(value, str):
        return True
    try:
        base64.b64decode(value, validate=True)
        return len(value) % 4 == 0
    except (binascii.Error, ValueError):
        return False


def main():
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("byte")(byte)
    failures = 0
    for item in json.load(sys.stdin):
        uri = (SCHEMAS / (item["schema"] + ".yaml")).as_uri()
        schema = load(uri)
        resolver = jsonschema.RefResolver(base_uri=uri, referrer=schema, handlers={"file": load})
        validator = jsonschema.Draft4Validator(schema, resolver=resolver, format_checker=checker)
        for error in validator.iter_errors(item["document"]):
            failures += 1
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{item['name']} is not a valid {item['schema']} at '{where}': {error.message[:400]}")
            for sub in (error.context or [])[:6]:
                print(f"    {'/'.join(str(p) for p in sub.absolute_path)}: {sub.message[:200]}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
