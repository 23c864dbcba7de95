"""Reads the job's own Tasks row through the model and prints its exec and arguments: a
script that needs the database reachable from inside the container."""

from main.models import Task


def _text(value):
    # Binary columns (arguments is varbinary) come back from mysqlclient as bytes.
    return value.decode("utf-8") if isinstance(value, (bytes, bytearray)) else str(value)


def call(jobs):
    for job in jobs:
        with job.JobContext():
            task = Task.objects.get(taskuuid=job.uuid)
            job.pyprint("exec", _text(task.execution))
            job.pyprint("arguments", _text(task.arguments))
