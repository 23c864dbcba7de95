"""Writes a file at the path given as each job's first argument (e.g. under the shared
directory) and prints the uid it runs as, to show who owns what a script writes."""

import os


def call(jobs):
    for job in jobs:
        with job.JobContext():
            path = job.args[1]
            with open(path, "w") as f:
                f.write("written by %s\n" % job.uuid)
            job.pyprint(os.getuid())
