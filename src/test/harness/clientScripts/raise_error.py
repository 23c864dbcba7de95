"""Fails the whole batch: call() raises, so no job gets a result of its own."""


def call(jobs):
    raise RuntimeError("raise_error: refused the whole batch")
