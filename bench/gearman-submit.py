#!/usr/bin/env python3
"""Submit MCPServer-style batches to gearmand and time them (python3 stdlib only).

Speaks the Gearman client protocol itself (Debian has no python3-gearman):
packets are b"\\0REQ" + type + length + NUL-separated args, answers b"\\0RES" ...
SUBMIT_JOB=7 -> JOB_CREATED=8, then WORK_COMPLETE=13 or WORK_FAIL=14.

Keeps WINDOW jobs in flight on one connection so the worker's pool never waits for
the client. Prints one JSON object: tasks, seconds, tasks_per_s, failed batches,
non-zero exit codes, and latency percentiles in ms:
  job_p50/job_p99   submit of a job -> its reply (what MCPServer waits)
  task_p50/task_p99 submit of a job -> a task's finishedTimestamp
Usage: gearman-submit.py PORT FUNCTION TASKS BATCH WINDOW [ARGUMENTS_JSON]
ARGUMENTS_JSON, a JSON list of task argument strings, is cycled through task by task (default:
every task gets ""); the output then also counts exit codes ("exits").
"""
import datetime
import json
import socket
import struct
import sys
import time
import uuid

SUBMIT_JOB, JOB_CREATED, WORK_COMPLETE, WORK_FAIL = 7, 8, 13, 14


def packet(kind, *args):
    body = b"\0".join(args)
    return b"\0REQ" + struct.pack(">II", kind, len(body)) + body


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("gearmand closed the connection")
        buf += chunk
    return buf


def read_packet(sock):
    magic, kind, size = struct.unpack(">4sII", read_exact(sock, 12))
    if magic != b"\0RES":
        raise ValueError("bad magic %r" % magic)
    return kind, read_exact(sock, size) if size else b""


def batch(n, arguments, first):
    now = datetime.datetime.now(datetime.timezone.utc).isoformat()
    tasks = {}
    for i in range(n):
        u = str(uuid.uuid4())
        tasks[u] = {"uuid": u, "createdDate": now,
                    "arguments": arguments[(first + i) % len(arguments)], "wants_output": False}
    return json.dumps({"tasks": tasks}, separators=(",", ":")).encode()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def main():
    port, function, total, size, window = sys.argv[1], sys.argv[2].encode(), *map(int, sys.argv[3:6])
    arguments = json.loads(sys.argv[6]) if len(sys.argv) > 6 else [""]
    sizes = [min(size, total - i) for i in range(0, total, size)]
    exits = {}
    sock = socket.create_connection(("127.0.0.1", int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    awaiting_created, in_flight = [], {}
    job_ms, task_ms, failed, nonzero = [], [], 0, 0
    start = time.time()
    submitted = done = 0
    while done < len(sizes):
        while submitted < len(sizes) and len(awaiting_created) + len(in_flight) < window:
            sock.sendall(packet(SUBMIT_JOB, function, str(uuid.uuid4()).encode(),
                                batch(sizes[submitted], arguments, sum(sizes[:submitted]))))
            awaiting_created.append(time.time())
            submitted += 1
        kind, body = read_packet(sock)
        if kind == JOB_CREATED:
            in_flight[body] = awaiting_created.pop(0)
        elif kind in (WORK_COMPLETE, WORK_FAIL):
            handle, _, data = body.partition(b"\0")
            sent = in_flight.pop(handle)
            job_ms.append((time.time() - sent) * 1000)
            done += 1
            if kind == WORK_FAIL:
                failed += 1
                continue
            for r in json.loads(data)["task_results"].values():
                finished = datetime.datetime.fromisoformat(r["finishedTimestamp"]).timestamp()
                task_ms.append((finished - sent) * 1000)
                nonzero += r["exitCode"] != 0
                exits[str(r["exitCode"])] = exits.get(str(r["exitCode"]), 0) + 1
    seconds = time.time() - start
    print(json.dumps({
        "tasks": total, "batch": size, "window": window, "seconds": round(seconds, 3),
        "tasks_per_s": round(total / seconds, 1), "failed_batches": failed,
        "nonzero_exits": nonzero, "exits": exits,
        "job_p50": round(percentile(job_ms, 50), 1), "job_p99": round(percentile(job_ms, 99), 1),
        "task_p50": round(percentile(task_ms, 50), 1) if task_ms else None,
        "task_p99": round(percentile(task_ms, 99), 1) if task_ms else None,
    }))


if __name__ == "__main__":
    main()
