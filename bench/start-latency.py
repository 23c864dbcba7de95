#!/usr/bin/env python3
"""Start latency of single-task jobs: the moment a job is handed over -> its process running.

mrt: sends TASKS one-task jobs of `date +%s%N` through gearmand, one at a time with GAP_MS
between (so a warm container has time to be made again), and reads each task's stdout: the
job's own clock when its process started. Latency = that time - the time the job was sent
(so mrt's figure also holds the Gearman round trip, which the issue's "handed to the pool"
does not: a bound from above).
bare: runs `runc run` of BUNDLE (whose config.json runs `date +%s%N`) TASKS times, one at a
time; latency = the job's clock - the moment before runc was spawned.
Prints one JSON object: p50, p99, mean in ms, samples.
Usage: start-latency.py mrt PORT FUNCTION TASKS GAP_MS
       start-latency.py bare RUNC STATE BUNDLE TASKS GAP_MS
"""
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import uuid

spec = importlib.util.spec_from_file_location(
    "submit", os.path.join(os.path.dirname(os.path.abspath(__file__)), "submit.py"))
submit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(submit)


def summary(ms):
    ms = sorted(ms)
    return {"samples": len(ms), "p50": round(submit.percentile(ms, 50), 2),
            "p99": round(submit.percentile(ms, 99), 2), "mean": round(sum(ms) / len(ms), 2)}


def mrt(port, function, tasks, gap):
    sock = socket.create_connection(("127.0.0.1", int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    out = []
    for _ in range(tasks):
        time.sleep(gap / 1000)
        body = submit.batch(1, ["+%s%N"], 0).replace(b'"wants_output":false',
                                                    b'"wants_output":true')
        sent = time.time_ns()
        sock.sendall(submit.packet(submit.SUBMIT_JOB, function.encode(),
                                   str(uuid.uuid4()).encode(), body))
        while True:
            kind, data = submit.read_packet(sock)
            if kind == submit.WORK_COMPLETE:
                result = next(iter(json.loads(data.partition(b"\0")[2])["task_results"].values()))
                if result["exitCode"] != 0:
                    sys.exit("task failed: %r" % result)
                out.append((int(result["stdout"].strip()) - sent) / 1e6)
                break
            if kind == submit.WORK_FAIL:
                sys.exit("job failed")
    return out


def bare(runc, state, bundle, tasks, gap):
    out = []
    for i in range(tasks):
        time.sleep(gap / 1000)
        t = time.time_ns()
        r = subprocess.run([runc, "--root", state, "run", "--bundle", bundle, "lat-%d" % i],
                           stdin=subprocess.DEVNULL, capture_output=True, check=True)
        out.append((int(r.stdout.strip()) - t) / 1e6)
    return out


if __name__ == "__main__":
    if sys.argv[1] == "mrt":
        ms = mrt(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        ms = bare(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    print(json.dumps(summary(ms)))
