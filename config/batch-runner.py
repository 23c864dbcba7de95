#!/usr/bin/env python3
"""Example batch runner for mrt serve's batch mode (python3 standard library only).

In batch mode (mrt.functions."NAME".mode=batch) mrt runs ONE container for a whole
Gearman batch instead of one per task. This script is that container's command: it
runs every task of the batch one after the other and reports each task's result.

Contract (see src/main/java/dev/mrt/archivematica/BatchFiles.java):
  $MRT_BATCH_TASKS    JSON file to read:
      {"function": "...", "module": "...",
       "tasks": [{"uuid": "...", "arguments": "...", "argv": ["module", "arg", ...],
                  "createdDate": "...", "wantsOutput": true}, ...]}
      "argv" is what a task-mode container would run: the function's task command
      (mrt.archivematica.command, default {module}) plus the task's arguments, with
      MCPClient's %tokens% replaced and split like shlex.
  $MRT_BATCH_RESULTS  JSON file to write:
      {"results": {"UUID": {"exitCode": 0, "stdout": "...", "stderr": "..."}, ...}}
A task missing from the results counts as failed (non-zero exit, with the reason).

Use it, e.g. with this repository's config/ directory mounted read-only:
  mrt.archivematica.mounts=/path/to/mrt/config:/opt/mrt-config:ro
  mrt.functions."characterizefile_v0.0".mode=batch
  mrt.functions."characterizefile_v0.0".command=python3 /opt/mrt-config/batch-runner.py

A real runner would import the client script once and call it for every task (that
is the point of batch mode: pay a tool's start-up once per batch); this one just runs
each argv as a subprocess, which keeps it generic.
"""
import os
import subprocess
import sys

try:
    import json
except ImportError:
    # mrt's default image has only python3-minimal, which ships no json module. mrt writes
    # tasks.json with Jackson (UTF-8, no \/ or surrogate escapes), which Python's literal
    # syntax reads once the bare words true/false/null are mapped; writing JSON is simple.
    import ast
    import re

    class json:  # noqa: N801 - stands in for the module
        _WORDS = re.compile(r'"(?:\\.|[^"\\])*"|\btrue\b|\bfalse\b|\bnull\b')
        _PY = {"true": "True", "false": "False", "null": "None"}

        @staticmethod
        def load(f):
            text = f.read()
            return ast.literal_eval(json._WORDS.sub(
                lambda m: json._PY.get(m.group(0), m.group(0)), text))

        @staticmethod
        def dumps(o):
            if isinstance(o, dict):
                return "{%s}" % ",".join(
                    "%s:%s" % (json.dumps(str(k)), json.dumps(v)) for k, v in o.items())
            if isinstance(o, bool) or o is None:
                return {True: "true", False: "false", None: "null"}[o]
            if isinstance(o, int):
                return str(o)
            return '"%s"' % "".join(
                c if c not in '"\\' and ord(c) >= 0x20 else "\\u%04x" % ord(c)
                for c in str(o))

        @staticmethod
        def dump(o, f):
            f.write(json.dumps(o))


def run(task):
    try:
        proc = subprocess.run(task["argv"], capture_output=True)
    except OSError as e:  # command not found, not executable, ...
        return {"exitCode": 127, "stdout": "", "stderr": "batch-runner: %s\n" % e}
    return {
        "exitCode": proc.returncode if proc.returncode >= 0 else 128 - proc.returncode,
        "stdout": proc.stdout.decode("utf-8", "replace"),
        "stderr": proc.stderr.decode("utf-8", "replace"),
    }


def main():
    with open(os.environ["MRT_BATCH_TASKS"], encoding="utf-8") as f:
        batch = json.load(f)
    results = {t["uuid"]: run(t) for t in batch["tasks"]}
    # Write then rename, so mrt never reads half a file.
    target = os.environ["MRT_BATCH_RESULTS"]
    with open(target + ".tmp", "w", encoding="utf-8") as f:
        json.dump({"results": results}, f)
    os.replace(target + ".tmp", target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
