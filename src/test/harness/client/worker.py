"""Runs one batch of jobs through a client script and records the outcome in Tasks."""

from client.job import Job


def run_task(task_name, job_module, jobs):
    """Start times first, then the script's call(jobs). If call raises, the whole batch is
    marked failed and the exception goes on to the caller (a WORK_FAIL in MCPClient);
    otherwise every job's own result is written."""
    Job.bulk_set_start_times(jobs)
    try:
        job_module.call(jobs)
    except Exception as err:
        Job.bulk_mark_failed(jobs, str(err))
        raise
    for job in jobs:
        job.update_task_status()
