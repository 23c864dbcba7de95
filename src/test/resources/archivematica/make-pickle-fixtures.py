#!/usr/bin/env python3
"""Regenerates the pickle job payloads used by PayloadCodecTest, as MCPServer up to 1.16
pickled them (protocol 0). Run from this directory: python3 make-pickle-fixtures.py
"""
import datetime
import pickle

U1 = "8022802f-6097-43d8-b217-2ed7f2b38f09"
U2 = "1b3d7f3e-5c0a-4a53-9d43-5a5f3d3c2b10"
CREATED = datetime.datetime(2024, 8, 4, 21, 34, 35, 241750, tzinfo=datetime.timezone.utc)


def tasks(created1, created2):
    return {"tasks": {
        U1: {"uuid": U1, "createdDate": created1,
             "arguments": '-d "%sharedPath%" --uuid %taskUUID% "caf\u00e9 \u65e5"', "wants_output": True},
        U2: {"uuid": U2, "createdDate": created2, "arguments": "'%jobCreatedDate%'",
             "wants_output": False},
    }}


def write(name, payload):
    with open(name, "wb") as f:
        f.write(payload)


# Python 3 MCPServer with Django 4: aware datetimes (datetime.timezone.utc), ordered dict.
write("py3-datetime.pickle", pickle.dumps(tasks(CREATED, CREATED.replace(microsecond=0)), protocol=0))
# Naive datetime and an ISO string in the same batch.
write("py3-naive-and-string.pickle",
      pickle.dumps(tasks(CREATED.replace(tzinfo=None), "2024-08-04T21:34:35.241750+00:00"), protocol=0))
# What Python 2's cPickle.dumps wrote (pytz.utc, str keys, packed datetime state as a str);
# written by hand because python2 is not installed.
write("py2-pytz.pickle", (
    "(dp1\nS'tasks'\np2\n(dp3\nS'" + U1 + "'\np4\n(dp5\nS'uuid'\np6\ng4\nsS'createdDate'\np7\n"
    "cdatetime\ndatetime\np8\n(S'\\x07\\xe8\\x08\\x04\\x15\"#\\x03\\xb0V'\np9\ncpytz\n_UTC\np10\n"
    "(tRp11\ntp12\nRp13\nsS'arguments'\np14\nS'-d \"%sharedPath%\"'\np15\nsS'wants_output'\np16\n"
    "I01\nsss."
).encode("latin-1"))
