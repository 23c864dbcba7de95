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

`--warm MODULE` is the same batch, with the set-up done before the batch exists: mrt starts
the container early, with the function's environment, and the runner sets Django up and
imports clientScripts.MODULE, writes exactly b"mrt-ready\n" to fd 1, connects to the database,
then waits on fd 0 for mrt's hand-off (read_handoff) with the batch's working directory and
environment. A set-up failure is kept and answered as the cold runner would have answered it;
EOF before a whole hand-off means mrt discarded the container: exit 0, no answer.
"""
import json
import logging
import os
import sys
import traceback
import warnings

READY = b"mrt-ready\n"


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

    def connect(self):
        # A warm runner connects before its batch: connecting (TCP, then MySQL's handshake and
        # authentication) was most of a one-task batch's time inside the container.
        from django.db import connection

        connection.ensure_connection()

    def _django_up(self):
        return self._harness is not None and not isinstance(self._harness, Exception)

    def drop_unusable_connections(self):
        # A connection made while the runner waited may have been dropped by the server since
        # (MySQL's wait_timeout, a restart): is_usable pings it, and a closed one is opened
        # again by the batch's first query. close_old_connections would not do: it keeps a
        # persistent (CONN_MAX_AGE=None) connection it has not seen fail.
        if self._django_up():
            from django.db import connections

            for conn in connections.all():
                if conn.connection is not None and not conn.is_usable():
                    conn.close()

    def close_connections(self):
        if self._django_up():
            from django.db import connections

            connections.close_all()


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


class HandoffError(Exception):
    """mrt sent something that is not a hand-off."""


def read_exactly(fd, n):
    """n bytes from fd, or None at EOF before them."""
    data = b""
    while len(data) < n:
        chunk = os.read(fd, n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def read_handoff(fd=0):
    """(cwd, args, env) from mrt's hand-off on fd, or None at EOF before a whole one.

    The hand-off is ASCII decimal payload length, b"\n", then the payload: NUL-terminated
    cwd, argument count (ASCII decimal), that many arguments, then KEY=VALUE entries to its
    end. Exactly its bytes are read (the header one at a time), never one more: what follows
    on fd is not the runner's. Bytes are decoded as Python decodes argv and the environment.
    """
    header = b""
    while True:
        byte = os.read(fd, 1)
        if not byte:
            return None
        if byte == b"\n":
            break
        if not byte.isdigit() or len(header) >= 10:
            raise HandoffError("bad hand-off length %r" % (header + byte))
        header += byte
    if not header:
        raise HandoffError("empty hand-off length")
    payload = read_exactly(fd, int(header))
    if payload is None:
        return None
    fields = payload.split(b"\0")
    if fields.pop() != b"" or len(fields) < 2 or not fields[1].isdigit():
        raise HandoffError("bad hand-off payload: need cwd, argument count, NUL-terminated")
    count = int(fields[1])
    args, entries = fields[2:2 + count], fields[2 + count:]
    if len(args) < count:
        raise HandoffError("hand-off has %d arguments, says %d" % (len(args), count))
    env = {}
    for entry in entries:
        key, eq, value = entry.partition(b"=")
        if not key or not eq:
            raise HandoffError("bad hand-off environment entry %r" % entry)
        env[os.fsdecode(key)] = os.fsdecode(value)
    return os.fsdecode(fields[0]), [os.fsdecode(a) for a in args], env


def warm(module_name, ready_fd):
    setup = SetUp()
    ready = attempt(setup.module, module_name)  # a failure is answered once the batch is here
    os.write(ready_fd, READY)
    os.close(ready_fd)
    # After the readiness line, so a database that is slow or down never holds a warm start up:
    # the hand-off waits in the pipe meanwhile. A failure is the batch's to meet (its first
    # query connects again), not a set-up failure.
    if not isinstance(ready, Exception):
        attempt(setup.connect)
    handoff = read_handoff(0)
    if handoff is None:
        return 0  # mrt discarded this container: there is no batch to answer
    cwd, _, env = handoff  # the arguments are the cold command's: this process runs it
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    try:
        setup.drop_unusable_connections()
    except Exception:  # not the batch's failure: it connects anew, or fails on its own
        traceback.print_exc()
    answer(setup)
    return finish(setup)


def finish(setup):
    """Ends the process once the answer is written: the batch is over, and an interpreter with
    Django loaded takes tens to hundreds of milliseconds to tear itself down, time the
    container's end (and so the batch's reply) would wait for. Connections are closed first, so
    MariaDB sees a client that quit rather than one that vanished."""
    try:
        setup.close_connections()
    except Exception:
        traceback.print_exc()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def main():
    if sys.argv[1:2] == ["--warm"] and len(sys.argv) != 3:
        print("usage: mcpclient-runner.py [--check | --warm MODULE]", file=sys.stderr)
        return 2
    warm_module = sys.argv[2] if sys.argv[1:2] == ["--warm"] else None
    # fd 1 as mrt gave it: a warm runner's readiness goes there, and nothing else.
    ready_fd = os.dup(1) if warm_module is not None else None
    # Scripts that print instead of using job.pyprint (or print while imported) write to the
    # process's stdout. Keep fd 1 for nothing but those prints, sent to stderr at the
    # file-descriptor level: swapping sys.stdout would break Job.pyprint, which tests
    # `file is sys.stdout`.
    os.dup2(2, 1)
    if sys.argv[1:] == ["--check"]:
        return check()
    if warm_module is not None:
        return warm(warm_module, ready_fd)
    setup = SetUp()
    answer(setup)
    return finish(setup)


if __name__ == "__main__":
    sys.exit(main())
