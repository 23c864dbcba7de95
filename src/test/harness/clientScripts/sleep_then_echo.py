"""Sleeps the seconds given as each job's first argument, then prints its argv: a script
that is slow on purpose (timeouts, concurrency)."""

import time


def call(jobs):
    for job in jobs:
        with job.JobContext():
            time.sleep(float(job.args[1]) if len(job.args) > 1 else 0)
            job.pyprint(" ".join(job.args))
