"""mrt's Archivematica runner: one Gearman batch, run by MCPClient's own harness.

mrt bind-mounts this file read-only into a fresh container of an Archivematica MCPClient
image and runs it with the image's Python, once per batch. It does what MCPClient's
Gearman handler does for one job, with the image's own code:

  django.setup()                           settings from DJANGO_SETTINGS_MODULE
  client.loader.load_module(module)        clientScripts.<module>
  client.job.Job(function, uuid, args, capture_output=wants_output)
  client.worker.run_task(function, module, jobs)

so the scripts, the Tasks table updates, logging and exit-code defaults are
Archivematica's. Standard library only: it must run in any MCPClient image.

Contract with mrt (dev.mrt.archivematica.BatchFiles): $MRT_BATCH_TASKS is the batch,
{"function", "module", "tasks": [{"uuid", "args", "wantsOutput", ...}]}, with "args" the
task's arguments already token-replaced and split as MCPClient splits them. The answer
goes to $MRT_BATCH_RESULTS:
  {"results": {UUID: {"exitCode", "stdout", "stderr", "endTime"}}}   every task ran
  {"batchFailed": reason, "results": {...}}  call(jobs) raised: run_task marked the rows
                                             failed, MCPClient answers WORK_FAIL
  {"setupFailed": reason}                    nothing ran (no harness, Django would not
                                             start, the module does not import); the
                                             Tasks rows were not touched
`--check` instead reports whether this image can run batches at all (mrt doctor --image).
"""
import json
import os
import sys
import traceback
import warnings

# Scripts that print instead of using job.pyprint write to the process's stdout. Keep fd 1
# for nothing but those prints, sent to stderr at the file-descriptor level: swapping
# sys.stdout would break Job.pyprint, which tests `file is sys.stdout`.
os.dup2(2, 1)


class SetupFailed(Exception):
    """The batch cannot run in this image; the message says why and what to do."""


def one_line(err):
    text = "%s: %s" % (type(err).__name__, err) if str(err) else type(err).__name__
    return " ".join(text.split())


def harness():
    """Django set up and MCPClient's harness imported, as MCPClient's worker process has."""
    if not os.environ.get("DJANGO_SETTINGS_MODULE"):
        raise SetupFailed(
            "DJANGO_SETTINGS_MODULE is not set: the image's config should set it "
            "(Archivematica's MCPClient image sets settings.common), or set it in mrt's "
            "environment")
    try:
        import django

        django.setup()
    except Exception as err:
        raise SetupFailed("Django did not start with DJANGO_SETTINGS_MODULE=%s: %s" % (
            os.environ["DJANGO_SETTINGS_MODULE"], one_line(err)))
    try:
        from client import loader, worker
        from client.job import Job
    except Exception as err:
        raise SetupFailed(
            "the image has no MCPClient harness (client.loader, client.worker, client.job "
            "on PYTHONPATH): %s; use an Archivematica MCPClient image" % one_line(err))
    return loader, worker, Job


def load(loader, module_name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            module = loader.load_module(module_name)
        except Exception as err:  # load_module only catches ImportError
            raise SetupFailed("module clientScripts.%s failed to import: %s" % (
                module_name, one_line(err)))
    if module is None:
        why = "; ".join(str(w.message) for w in caught) or "load_module returned nothing"
        raise SetupFailed("module clientScripts.%s does not import: %s" % (module_name, why))
    if not callable(getattr(module, "call", None)):
        raise SetupFailed("module clientScripts.%s has no call(jobs)" % module_name)
    return module


def result(job):
    end = getattr(job, "end_time", None)
    return {
        "exitCode": int(job.get_exit_code() or 0),
        "stdout": job.get_stdout() or "",
        "stderr": job.get_stderr() or "",
        "endTime": end.isoformat() if end is not None else None,
    }


def attempt(fn, *args):
    """fn(*args), or the exception it raised, kept for the batch to see."""
    try:
        return fn(*args)
    except Exception as err:
        return err


def unless_failed(value):
    if isinstance(value, Exception):
        raise value
    return value


class SetUp:
    """What a batch needs before its tasks: Django and the harness (once), and each client
    script module (once). A failure is kept and raised to every batch that asks, so a warm
    runner, which sets up before its batch exists, answers what the cold one would have."""

    def __init__(self):
        self._harness = None
        self._modules = {}

    def harness(self):
        if self._harness is None:
            self._harness = attempt(harness)
        return unless_failed(self._harness)

    def module(self, name):
        if name not in self._modules:
            self._modules[name] = attempt(load, self.harness()[0], name)
        return unless_failed(self._modules[name])


def run(batch, setup):
    _, worker, Job = setup.harness()
    module = setup.module(batch["module"])
    function = batch["function"]
    jobs = [Job(function, t["uuid"], list(t["args"]), capture_output=bool(t["wantsOutput"]))
            for t in batch["tasks"]]
    reply = {}
    try:
        worker.run_task(function, module, jobs)
    except Exception as err:
        traceback.print_exc()
        reply["batchFailed"] = str(err) or type(err).__name__
    reply["results"] = {job.uuid: result(job) for job in jobs}
    return reply


def answer(setup):
    """Runs the batch in $MRT_BATCH_TASKS and writes its answer to $MRT_BATCH_RESULTS."""
    with open(os.environ["MRT_BATCH_TASKS"], encoding="utf-8") as f:
        batch = json.load(f)
    try:
        reply = run(batch, setup)
    except SetupFailed as err:
        reply = {"setupFailed": str(err)}
    except Exception as err:  # the runner itself must always answer
        traceback.print_exc()
        reply = {"setupFailed": "the runner failed before the batch ran: %s" % one_line(err)}
    write(reply)


def write(answer):
    # Write, then rename: mrt never reads half a file.
    target = os.environ["MRT_BATCH_RESULTS"]
    with open(target + ".tmp", "w", encoding="utf-8") as f:
        json.dump(answer, f)
    os.replace(target + ".tmp", target)


def check():
    """Says on stderr what this image lacks to run batches; exit 0 when nothing."""
    problems = []
    print("python %s" % sys.version.split()[0], file=sys.stderr)
    try:
        loader, worker, _ = harness()
        import django

        print("django %s, settings %s: set up" % (
            django.get_version(), os.environ["DJANGO_SETTINGS_MODULE"]), file=sys.stderr)
        print("MCPClient harness importable: client.worker, client.loader, client.job",
              file=sys.stderr)
        # Where MCPClient itself looks: its settings, else the variable they are read from.
        from django.conf import settings

        modules_file = getattr(settings, "CLIENT_MODULES_FILE", None) or os.environ.get(
            "ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES")
        if not modules_file or not os.path.isfile(modules_file):
            problems.append("no modules file (ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_"
                            "ARCHIVEMATICACLIENTMODULES or settings.CLIENT_MODULES_FILE): %s"
                            % (modules_file or "unset"))
        else:
            modules = loader.get_supported_modules(modules_file)
            broken = []
            for name in sorted(set(modules.values())):
                try:
                    load(loader, name)
                except SetupFailed as err:
                    broken.append(str(err))
            print("modules file %s: %d functions, %d modules, %d do not import" % (
                modules_file, len(modules), len(set(modules.values())), len(broken)),
                file=sys.stderr)
            problems.extend(broken)
    except SetupFailed as err:
        problems.append(str(err))
    for p in problems:
        print("missing: %s" % p, file=sys.stderr)
    return 1 if problems else 0


def main():
    if sys.argv[1:] == ["--check"]:
        return check()
    answer(SetUp())
    return 0


if __name__ == "__main__":
    sys.exit(main())
