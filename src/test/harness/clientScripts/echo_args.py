"""Prints each job's argv to its stdout and a line naming the job to its stderr; with
`--exit N` among the arguments the job ends with code N."""

import sys


def call(jobs):
    for job in jobs:
        with job.JobContext():
            job.pyprint(" ".join(job.args))
            job.pyprint("err", job.uuid, file=sys.stderr)
            if "--exit" in job.args:
                job.set_status(int(job.args[job.args.index("--exit") + 1]))
