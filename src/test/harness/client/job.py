"""One task of a batch, as client scripts see it: its argv, and the exit code, stdout and
stderr the script gives it. The class methods and update_task_status() write the task's row
in the Tasks table, as MCPClient does, so tests can see what a runner left in the database."""

import logging
import sys
import traceback
from contextlib import contextmanager

from django.conf import settings
from django.utils import timezone

from main.models import Task


class Job:
    def __init__(self, name, uuid, arguments, capture_output=False):
        # name is the Gearman function ("echoargs_v0.0"); scripts read it as args[0].
        self.name = name
        self.uuid = uuid
        self.args = [name] + list(arguments)
        self.capture_output = capture_output
        self.int_code = 0
        self.status_code = ""
        self.output = ""
        self.error = ""
        self.start_time = None
        self.end_time = None

    @classmethod
    def bulk_set_start_times(cls, jobs):
        """One UPDATE for the whole batch: every task starts when the batch does."""
        now = timezone.now()
        Task.objects.filter(taskuuid__in=[j.uuid for j in jobs]).update(starttime=now)
        for j in jobs:
            j.start_time = now

    @classmethod
    def bulk_mark_failed(cls, jobs, message):
        """The batch as a whole failed: each task gets exit code 1 and the reason."""
        message = str(message)
        Task.objects.filter(taskuuid__in=[j.uuid for j in jobs]).update(
            stderror=message, exitcode=1, endtime=timezone.now()
        )
        for j in jobs:
            j.set_status(1, status_code=message)

    def update_task_status(self):
        """Writes this task's result to its row once the script has finished."""
        # Scripts may leave the code unset; MCPClient treats that as success.
        if self.int_code is None:
            self.int_code = 0
        self.end_time = timezone.now()
        values = {"exitcode": self.get_exit_code(), "endtime": self.end_time}
        if settings.CAPTURE_CLIENT_SCRIPT_OUTPUT:
            values["stdout"] = self.get_stdout()
            values["stderror"] = self.get_stderr()
        Task.objects.filter(taskuuid=self.uuid).update(**values)

    def set_status(self, int_code, status_code="success"):
        # A falsy code keeps an earlier failure: scripts call set_status(0) after errors.
        if int_code:
            self.int_code = int(int_code)
        self.status_code = status_code

    def write_output(self, text):
        self.output += text

    def write_error(self, text):
        self.error += text

    def print_output(self, *values):
        self.write_output(" ".join(str(v) for v in values) + "\n")

    def print_error(self, *values):
        self.write_error(" ".join(str(v) for v in values) + "\n")

    def pyprint(self, *objects, **kwargs):
        """print() into the job: file=sys.stdout or sys.stderr picks the stream."""
        target = kwargs.get("file", sys.stdout)
        text = str(kwargs.get("sep", " ")).join(str(o) for o in objects)
        text += str(kwargs.get("end", "\n"))
        # Identity, not equality: a runner that swaps sys.stdout changes what this means.
        if target is sys.stdout:
            self.write_output(text)
        elif target is sys.stderr:
            self.write_error(text)
        else:
            raise Exception("pyprint cannot write to " + str(target))

    def get_exit_code(self):
        return self.int_code

    def get_stdout(self):
        return self.output

    def get_stderr(self):
        return self.error

    @contextmanager
    def JobContext(self, logger=None):
        """Runs a script's work for this job: an exception fails only this job."""
        handler = None
        if logger is not None:
            handler = _JobLogHandler(self)
            logger.addHandler(handler)
        try:
            yield
        except Exception as err:
            self.write_error(str(err))
            self.write_error(traceback.format_exc())
            self.set_status(1, status_code="error")
        finally:
            if handler is not None:
                handler.flush()
                logger.removeHandler(handler)


class _JobLogHandler(logging.Handler):
    """Sends a script's log records into the job's output: errors to stderr, the rest to
    stdout, as the dashboard shows them."""

    def __init__(self, job):
        super().__init__(logging.INFO)
        self.job = job
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record):
        text = self.format(record) + "\n"
        if record.levelno >= logging.ERROR:
            self.job.write_error(text)
        else:
            self.job.write_output(text)
