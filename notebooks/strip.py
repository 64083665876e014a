#!/usr/bin/env python3
"""Strip outputs from notebooks, or check that they carry none.

    python3 notebooks/strip.py notebooks/*.ipynb           # strip in place
    python3 notebooks/strip.py --check notebooks/*.ipynb   # exit 1 if any notebook has outputs

Plain json only (no nbformat), so it runs before the jupyter packages are installed.
"""
import json
import sys


def dirty(nb):
    bad = []
    for i, c in enumerate(nb.get("cells", [])):
        if c.get("cell_type") != "code":
            continue
        if c.get("outputs") or c.get("execution_count") is not None:
            bad.append(i + 1)
    return bad


def strip(nb):
    for c in nb.get("cells", []):
        if c.get("cell_type") == "code":
            c["outputs"] = []
            c["execution_count"] = None
        c.get("metadata", {}).pop("execution", None)
    return nb


def main(args):
    check = "--check" in args
    files = [a for a in args if a != "--check"]
    failed = False
    for f in files:
        with open(f, encoding="utf-8") as fh:
            nb = json.load(fh)
        bad = dirty(nb)
        if not bad:
            continue
        if check:
            print(f"{f}: outputs committed in code cells {bad}; run `python3 notebooks/strip.py {f}`", file=sys.stderr)
            failed = True
        else:
            with open(f, "w", encoding="utf-8") as fh:
                json.dump(strip(nb), fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            print(f"{f}: stripped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
