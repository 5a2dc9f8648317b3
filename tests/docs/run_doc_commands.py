#!/usr/bin/env python3
"""Runs every shell command of a Markdown file, in order, as a reader would.

Usage: run_doc_commands.py DOC.md --repo REPO --bin DIR [--work DIR] [--list]

Every fenced block whose info string is ``sh`` is a command block. The blocks
of one file run in order, in one bash session (so an ``export`` or ``cd`` in
one block holds for the next), under ``set -eo pipefail``, in a scratch
folder that holds a symbolic link to every top-level entry of the repository
(its tracked files, and the build folder as ``build/``: ``docs/profiles/...``, ``scripts/...``,
``build/...`` resolve as they do in a checkout, and what the commands write
stays in the scratch folder; HOME is a scratch folder too). DIR
(the folder holding the built ``certkit``) comes first on PATH; stdin is
/dev/null, so a ``prompt`` password source fails rather than waits.

A command that cannot run in CI says so in the document, visibly:
  * a block whose first line is ``# not run in CI: <why>`` is skipped whole;
  * a command (with its continuation lines) carrying ``# not run in CI: <why>``
    is skipped alone.
The reason must not be empty. Everything skipped is listed with its reason.

A command that the document shows failing says so with ``# ... exits N``
in its comment: it must then exit with status N (any other status, 0
included, fails the test).

The first failing command fails the test, with its file and line and the
output of the block up to it. Exit 0 when every command ran and succeeded.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

MARK = "# not run in CI:"
EXITS = re.compile(r"#[^\n]*\bexits (\d+)\b")
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")


class Command:
    def __init__(self, line, text):
        self.line = line  # 1-based line in the document of its first line
        self.text = text  # the command, continuation lines included


def skip_reason(text):
    pos = text.find(MARK)
    if pos < 0:
        return None
    reason = text[pos + len(MARK):].split("\n", 1)[0].strip()
    return reason


def parse(path):
    """Returns [(block_line, [Command...], block_skip_reason)] for sh blocks."""
    blocks = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang = m.group(2), m.group(3)
        start = i + 1
        j = start
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        body = lines[start:j]
        i = j + 1
        if lang != "sh":
            continue
        block_skip = None
        first = next((b for b in body if b.strip()), "")
        if first.strip().startswith(MARK):
            block_skip = skip_reason(first)
        commands = []
        k = 0
        while k < len(body):
            text = body[k]
            first_line = start + k + 1
            # Continuation lines (a trailing backslash) and lines that close an
            # open quote or a subshell/heredoc are one logical command; the
            # documents use backslashes only.
            while text.rstrip().endswith("\\") and k + 1 < len(body):
                k += 1
                text += "\n" + body[k]
            k += 1
            if not text.strip() or text.strip().startswith("#") and MARK not in text:
                continue
            commands.append(Command(first_line, text))
        blocks.append((start, commands, block_skip))
    return blocks


def top_level_entries(repo):
    """The repository's tracked top-level entries."""
    try:
        out = subprocess.run(["git", "-C", repo, "ls-files"], check=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
        entries = {line.split("/", 1)[0] for line in out.splitlines() if line}
    except (OSError, subprocess.CalledProcessError):
        entries = {e for e in os.listdir(repo) if not e.startswith(".")}
    return sorted(e for e in entries if not e.startswith(".") and e != "build")


def read_or_none(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("doc")
    ap.add_argument("--repo", required=True)
    ap.add_argument("--bin", required=True, help="folder holding the built certkit")
    ap.add_argument("--build", help="the CMake build folder, linked as build/ (default: REPO/build)")
    ap.add_argument("--work", help="scratch folder (default: a new temporary one)")
    ap.add_argument("--list", action="store_true", help="print the commands, run nothing")
    ap.add_argument("--timeout", type=int, default=600)
    args = ap.parse_args()

    doc = os.path.abspath(args.doc)
    name = os.path.relpath(doc, os.path.abspath(args.repo))
    blocks = parse(doc)
    script = ["set -eo pipefail"]
    where = {}  # script line -> (doc line, command text)
    skipped = []
    count = 0
    for block_line, commands, block_skip in blocks:
        if block_skip is not None:
            if not block_skip:
                print(f"{name}:{block_line}: '{MARK}' needs a reason")
                return 2
            skipped.append((block_line, "(whole block)", block_skip))
            continue
        for c in commands:
            reason = skip_reason(c.text)
            if reason is not None:
                if not reason:
                    print(f"{name}:{c.line}: '{MARK}' needs a reason")
                    return 2
                skipped.append((c.line, c.text.split("\n")[0], reason))
                continue
            if c.text.lstrip().startswith("#"):
                continue
            script.append(f"echo '+ {name}:{c.line}' >&2")
            where[len(script) + 1] = (c.line, c.text)
            expected = EXITS.search(c.text)
            if expected:
                # A documented failure: it must fail, with that status.
                want = expected.group(1)
                script.append("set +e")
                script.append(c.text)
                script.append(f"rc=$?; set -e; if [ $rc -ne {want} ]; then "
                              f"echo 'expected exit status {want}, got '$rc >&2; exit 1; fi")
            else:
                script.append(c.text)
            count += 1
    if args.list:
        print("\n".join(script))
        return 0

    print(f"{name}: {count} commands to run, {len(skipped)} marked not run in CI")
    for line, what, reason in skipped:
        print(f"  skipped {name}:{line}: {what.strip()[:70]} -- {reason}")
    if count == 0:
        return 0

    work = args.work or tempfile.mkdtemp(prefix="certkit-doc-")
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    repo = os.path.abspath(args.repo)
    for entry in top_level_entries(repo):
        os.symlink(os.path.join(repo, entry), os.path.join(work, entry))
    build = os.path.abspath(args.build or os.path.join(repo, "build"))
    if os.path.isdir(build):
        os.symlink(build, os.path.join(work, "build"))
    cache = os.path.join(build, "CMakeCache.txt")
    cache_before = read_or_none(cache)
    script_path = os.path.join(work, ".doc-commands.sh")
    with open(script_path, "w") as f:
        f.write("\n".join(script) + "\n")
    env = dict(os.environ)
    env["PATH"] = os.path.abspath(args.bin) + os.pathsep + env.get("PATH", "")
    # What the commands write under ~ (completions, an install prefix) goes
    # to a scratch home; the Go, pip and Maven caches stay where they were.
    if shutil.which("go"):
        for var in ("GOPATH", "GOMODCACHE", "GOCACHE"):
            if var not in env:
                env[var] = subprocess.run(["go", "env", var], stdout=subprocess.PIPE,
                                          env=env).stdout.decode().strip()
    env.setdefault("PIP_CACHE_DIR", os.path.join(env.get("HOME", "/root"), ".cache", "pip"))
    env["HOME"] = os.path.join(work, "home")
    os.makedirs(env["HOME"])
    try:
        proc = subprocess.run(["bash", script_path], cwd=work, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=args.timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        print(out[-6000:])
        print(f"{name}: timed out after {args.timeout} s")
        return 1
    out = proc.stdout.decode(errors="replace")
    if read_or_none(cache) != cache_before:
        # A documented `cmake -S . -B build` run from the scratch folder would
        # point the real build folder at it: such a block must be marked.
        print(out[-3000:])
        print(f"FAILED: a command of {name} re-configured {build}; mark it '{MARK} <why>'")
        return 1
    if proc.returncode != 0:
        print(out[-8000:])
        last = re.findall(r"^\+ " + re.escape(name) + r":(\d+)$", out, re.M)
        at = f"{name}:{last[-1]}" if last else name
        print(f"FAILED: {at} exited {proc.returncode} (the command above; scratch folder {work})")
        return 1
    print(out[-3000:] if len(out) > 3000 else out)
    print(f"{name}: all {count} commands succeeded")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
