"""Shared output handling of the generators in scripts/gen/ (stdlib only).

A generator produces a list of outputs, each either a whole file or a set of
regions inside a hand-written file. A region is the text between a line
containing "BEGIN GENERATED <tag>" and a line containing
"END GENERATED <tag>"; the marker lines stay, everything between them is
replaced. run() writes the outputs, or with --check generates them into a
temporary directory and fails (exit 1, with a diff) when a committed file
differs.
"""
import argparse
import difflib
import os
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class WholeFile:
    """An output that is entirely generated."""

    def __init__(self, path, text):
        self.path = path
        self.text = text

    def render(self, root):
        return self.text


class Regions:
    """Generated regions ({tag: text}) inside the hand-written file |path|."""

    def __init__(self, path, regions):
        self.path = path
        self.regions = regions

    def render(self, root):
        with open(os.path.join(root, self.path), encoding="utf-8") as f:
            text = f.read()
        for tag, body in self.regions.items():
            text = replace_region(text, tag, body, self.path)
        return text


def replace_region(text, tag, body, path):
    """Returns |text| with the lines between the |tag| markers set to |body|."""
    lines = text.splitlines(keepends=True)
    begin = [i for i, line in enumerate(lines) if "BEGIN GENERATED %s " % tag in line.rstrip() + " "]
    end = [i for i, line in enumerate(lines) if "END GENERATED %s " % tag in line.rstrip() + " "]
    if len(begin) != 1 or len(end) != 1 or end[0] < begin[0]:
        raise SystemExit("%s: needs exactly one 'BEGIN GENERATED %s' line followed by one "
                         "'END GENERATED %s' line" % (path, tag, tag))
    if body and not body.endswith("\n"):
        body += "\n"
    return "".join(lines[:begin[0] + 1]) + body + "".join(lines[end[0]:])


def run(description, make_outputs, argv=None):
    """Command-line driver: write the outputs, or --check them, or write them
    under --out-dir (the committed files are still the input of regions)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true",
                        help="generate into a temporary directory and fail when a "
                             "committed file is stale")
    parser.add_argument("--out-dir", help="write the outputs under this directory")
    parser.add_argument("--root", default=ROOT, help="the source tree (default: this one)")
    args = parser.parse_args(argv)
    outputs = make_outputs(args.root)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            stale = []
            for out in outputs:
                generated = write(tmp, out.path, out.render(args.root))
                committed_path = os.path.join(args.root, out.path)
                committed = ""
                if os.path.exists(committed_path):
                    with open(committed_path, encoding="utf-8") as f:
                        committed = f.read()
                with open(generated, encoding="utf-8") as f:
                    fresh = f.read()
                if fresh != committed:
                    stale.append(out.path)
                    sys.stderr.writelines(difflib.unified_diff(
                        committed.splitlines(keepends=True), fresh.splitlines(keepends=True),
                        "committed/" + out.path, "generated/" + out.path))
            if stale:
                print("stale generated files (run %s): %s"
                      % (os.path.relpath(sys.argv[0], args.root), ", ".join(stale)),
                      file=sys.stderr)
                return 1
            print("%d generated files are up to date" % len(outputs))
            return 0
    target = args.out_dir or args.root
    for out in outputs:
        write(target, out.path, out.render(args.root))
    return 0


def write(root, path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as f:
        f.write(text)
    return full
