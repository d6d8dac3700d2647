"""handshake on a Dask cluster: captures grouped by sensor, split into
flow-hash shards, one task per (sensor, shard), records merged.

    from distributed import Client
    from handshake_dask import run
    result = run({"east": ["/shared/east/a.pcap", "/shared/east/b.pcap"]}, shards=8,
                 client=Client("tcp://scheduler:8786"), handshake="/opt/handshake/bin/handshake")
    result.write("/shared/out")    # records.ndjson, records.parquet, summary.txt

Each task runs `handshake -r FILE... --format json --shard K/N` on a
worker over one sensor's files in time order (`captures.in_time_order`),
so a connection that spans rotated files stays whole, and adds the
sensor's name to each record. A connection several sensors saw is one
record per sensor: each is what that vantage point captured. The tasks
are pure (same input, same lines), so Dask may rerun one whose worker
died; each task's result is taken once.
"""
import json
import os
import re
import subprocess

import cloudpickle

from . import captures, parquet

# Workers import nothing of this package: its functions travel with the tasks.
cloudpickle.register_pickle_by_value(captures)
cloudpickle.register_pickle_by_value(parquet)
import handshake_dask as _self  # noqa: E402

cloudpickle.register_pickle_by_value(_self)

# handshake's exit statuses for a file it could not read whole (not a capture, damaged, an
# unknown link type): it reads on to the next file and prints every record it could read.
FILE_FAILURES = {4: "not a capture", 5: "damaged capture", 6: "unsupported link type"}


class HandshakeFailed(RuntimeError):
    """A task's handshake run failed; the message is handshake's own."""


def shard_task(sensor, files, shard, shards, handshake):
    """One sensor's files, one shard: its records as NDJSON lines with
    `sensor`, the same as an Arrow table, any warning, and what failed
    (None, or handshake's exit status and words). handshake's own failures
    are returned, not raised: they are the same however often Dask retries."""
    command = [handshake]
    for path in captures.in_time_order(files):
        command += ["-r", path]
    command += ["--format", "json", "--shard", f"{shard}/{shards}"]
    task = f"{sensor} shard {shard}/{shards}"
    try:
        finished = subprocess.run(command, capture_output=True, text=True)
    except OSError as error:
        return [], parquet.table([]), [], (None, f"{task}: cannot run {handshake}: {error.strerror}")
    warnings = [f"{sensor}: {line}" for line in finished.stderr.splitlines() if line]
    failure = None
    if finished.returncode != 0:
        failure = (finished.returncode, f"{task}: exit {finished.returncode}: " + "; ".join(warnings))
    suffix = ',"sensor":' + json.dumps(sensor) + "}"
    lines = [line[:-1] + suffix for line in finished.stdout.splitlines() if line.endswith("}")]
    return lines, parquet.table(lines), warnings, failure


KEY = re.compile(r'^\{"id":(\d+),.*?"first_seen":(-?[0-9.]+),.*"sensor":(".*")\}$')


def record_key(line):
    """First-seen time (exactly, in nanoseconds), id, sensor: the order of the merged records."""
    match = KEY.match(line)
    return parquet.nanoseconds(match.group(2)), int(match.group(1)), json.loads(match.group(3))


class Result:
    """The merged records of a run, what the tasks said on stderr, and the
    tasks that read only part of their files (`partial`: each task's words,
    naming every file it could not read whole)."""

    def __init__(self, lines, tables, warnings, handshake, partial=()):
        self.lines = sorted(lines, key=record_key)
        self.tables = tables
        self.warnings = warnings
        self.handshake = handshake
        self.partial = list(partial)

    def write(self, directory):
        """records.ndjson, records.parquet and summary.txt (handshake merge) in `directory`."""
        os.makedirs(directory, exist_ok=True)
        ndjson = os.path.join(directory, "records.ndjson")
        with open(ndjson, "w") as file:
            file.writelines(line + "\n" for line in self.lines)
        parquet.write(self.tables, os.path.join(directory, "records.parquet"))
        summary = subprocess.run([self.handshake, "merge", ndjson], capture_output=True, text=True, check=True)
        with open(os.path.join(directory, "summary.txt"), "w") as file:
            file.write(summary.stdout)
        return summary.stdout


def run(sensors, shards, client, handshake="handshake", retries=2):
    """Runs every (sensor, shard) task on `client`'s cluster and merges the records.

    `sensors` maps a sensor's name to its capture files, on storage every
    worker can read at those paths; `handshake` is the executable's path on
    the workers. A task whose worker dies is rerun by Dask, `retries` times
    at most. A task whose handshake could not read some file whole keeps
    what it read and is listed in `Result.partial`; any other failure of
    handshake raises HandshakeFailed, naming every task that failed.
    """
    futures = [client.submit(shard_task, sensor, list(files), shard, shards, handshake,
                             key=f"handshake-{sensor}-{shard}-of-{shards}", pure=True, retries=retries)
               for sensor, files in sorted(sensors.items()) for shard in range(1, shards + 1)]
    lines, tables, warnings, partial, failed = [], [], [], [], []
    for task_lines, task_table, task_warnings, failure in client.gather(futures):
        lines += task_lines
        tables.append(task_table)
        warnings += task_warnings
        if failure is not None:
            status, message = failure
            (partial if status in FILE_FAILURES else failed).append(message)
    if failed:
        raise HandshakeFailed("; ".join(failed))
    return Result(lines, tables, warnings, handshake, partial)
