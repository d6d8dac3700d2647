"""The distributed runner against one process: a real LocalCluster of two
worker processes gives the same records as handshake run directly over
each sensor's files, on fixtures and on rotated captures; a worker killed
mid-run is replaced, its task rerun, and nothing is lost or doubled.

Run by `make test` (DistributedTests): HANDSHAKE names the executable,
PYTHONPATH includes Distributed/.
"""
import decimal
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import pyarrow.parquet
from distributed import Client, LocalCluster

import handshake_dask
from handshake_dask import captures

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "Fixtures")
HANDSHAKE = os.environ["HANDSHAKE"]


def single_process(sensors):
    """What one process gives: handshake over each sensor's files in time order, with the sensor added."""
    lines = []
    for sensor, files in sensors.items():
        command = [HANDSHAKE] + [argument for path in captures.in_time_order(files) for argument in ("-r", path)]
        output = subprocess.run(command + ["--format", "json"], capture_output=True, text=True, check=True).stdout
        lines += [line[:-1] + ',"sensor":' + json.dumps(sensor) + "}" for line in output.splitlines()]
    return sorted(lines, key=handshake_dask.record_key)


def rotate(source, directory, name, packets_per_file):
    """Splits a pcap into files of `packets_per_file` packets, as tcpdump -C would."""
    with open(source, "rb") as file:
        header, data = file.read(24), file.read()
    paths, position, part = [], 0, 0
    while position < len(data):
        path = os.path.join(directory, f"{name}-{part:03}.pcap")
        with open(path, "wb") as out:
            out.write(header)
            for _ in range(packets_per_file):
                if position >= len(data):
                    break
                length = struct.unpack("<I", data[position + 8:position + 12])[0]
                out.write(data[position:position + 16 + length])
                position += 16 + length
        paths.append(path)
        part += 1
    return paths


class RunnerTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        cls.client = Client(cls.cluster)
        cls.directory = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        cls.cluster.close()
        cls.directory.cleanup()

    def test_workers_are_separate_processes(self):
        pids = self.client.run(os.getpid)
        self.assertEqual(len(pids), 2)
        self.assertNotIn(os.getpid(), pids.values())
        self.assertEqual(len(set(pids.values())), 2)

    def test_fixtures_give_what_one_process_gives(self):
        sensors = {
            "loopback": [os.path.join(FIXTURES, name) for name in ("ipv6-loopback.pcap", "ipv4-loopback.pcap")],
            "busy": [os.path.join(FIXTURES, "busy.pcap")],
            "reuse": [os.path.join(FIXTURES, name) for name in ("time-wait-expiry.pcap", "port-reuse.pcap")],
        }
        result = handshake_dask.run(sensors, 3, self.client, handshake=HANDSHAKE)
        expected = single_process(sensors)
        self.assertEqual(len(expected), 106)
        self.assertEqual(result.lines, expected)
        summary = result.write(os.path.join(self.directory.name, "fixtures"))
        self.assertTrue(summary.startswith("connections          106\n"))

    def test_rotated_captures_of_two_sensors(self):
        sensors = {}
        for seed, sensor in ((1, "east"), (2, "west")):
            whole = os.path.join(self.directory.name, f"{sensor}.pcap")
            subprocess.run([sys.executable, os.path.join(ROOT, "Benchmarks", "generate-capture"), whole,
                            "--connections", "2000", "--open", "200", "--seed", str(seed)],
                           check=True, capture_output=True)
            # Named so that name order is not time order: the runner must read the first packets.
            parts = rotate(whole, self.directory.name, sensor, 5000)
            self.assertGreaterEqual(len(parts), 4)
            sensors[sensor] = list(reversed(parts))
        result = handshake_dask.run(sensors, 3, self.client, handshake=HANDSHAKE)
        expected = single_process(sensors)
        self.assertEqual(result.lines, expected)
        # Every connection whole: read file by file, those spanning a rotation would be picked up twice.
        for sensor in sensors:
            self.assertEqual(sum(1 for line in result.lines if line.endswith(f'"sensor":"{sensor}"}}')), 2000)

        output = os.path.join(self.directory.name, "rotated")
        summary = result.write(output)
        self.assertTrue(summary.startswith("connections          4000\n"))
        table = pyarrow.parquet.read_table(os.path.join(output, "records.parquet"))
        self.assertEqual(table.num_rows, 4000)
        first = json.loads(result.lines[0], parse_float=decimal.Decimal)
        row = table.slice(0, 1).to_pylist()[0]
        self.assertEqual(row["id"], first["id"])
        self.assertEqual(row["sensor"], first["sensor"])
        self.assertEqual(table.column("first_seen").cast("int64")[0].as_py(),
                         int(first["first_seen"] * 1_000_000_000))
        self.assertEqual([change["state"] for change in row["client_transitions"]],
                         [change["state"] for change in first["client_transitions"]])
        with open(os.path.join(output, "records.ndjson")) as file:
            self.assertEqual(file.read().splitlines(), result.lines)


class FailureTests(unittest.TestCase):
    """What goes wrong in the field, each one line and a non-zero exit, never a hang or a clean run."""

    @classmethod
    def setUpClass(cls):
        cls.directory = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.directory.cleanup()

    def path(self, name, data):
        path = os.path.join(self.directory.name, name)
        with open(path, "wb") as file:
            file.write(data)
        return path

    def runner(self, *arguments):
        return subprocess.run([sys.executable, "-m", "handshake_dask", "--local-workers", "1", *arguments],
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)

    def test_a_pcapng_block_of_length_zero_does_not_loop(self):
        # A section header whose length is 0: seeking back by it looped for ever.
        header = struct.pack("<II", captures.PCAPNG_SECTION, 0) + b"\x4d\x3c\x2b\x1a" + bytes(16)
        self.assertEqual(len(header), 28)
        self.assertIsNone(captures.first_packet_time(self.path("zero.pcapng", header)))
        lying = struct.pack("<II", captures.PCAPNG_SECTION, 28) + b"\x4d\x3c\x2b\x1a" + bytes(16) \
            + struct.pack("<II", captures.PCAPNG_ENHANCED_PACKET, 13) + bytes(8)
        self.assertIsNone(captures.first_packet_time(self.path("odd.pcapng", lying)))

    def test_a_damaged_file_makes_a_partial_run_that_names_it(self):
        with open(os.path.join(FIXTURES, "ipv4-loopback.pcap"), "rb") as file:
            damaged = self.path("damaged.pcap", file.read()[:150])
        sensors = os.path.join(self.directory.name, "sensors")
        os.makedirs(os.path.join(sensors, "east"))
        for name in ("damaged.pcap", "refused.pcap"):
            source = damaged if name == "damaged.pcap" else os.path.join(FIXTURES, name)
            with open(source, "rb") as file, open(os.path.join(sensors, "east", name), "wb") as out:
                out.write(file.read())
        output = os.path.join(self.directory.name, "out")
        finished = self.runner("--output", output, "--shards", "1", "--handshake", HANDSHAKE, "--sensors-dir", sensors)
        self.assertEqual(finished.returncode, 5, finished.stderr)
        self.assertIn("damaged.pcap is truncated: it ends inside a record at byte 114, after 1 packets",
                      finished.stderr)
        self.assertTrue(finished.stderr.endswith(
            "handshake_dask: partial run: 1 tasks could not read every file whole\n"))
        # The intact file after the damaged one is read: its refusal is in the records.
        with open(os.path.join(output, "records.ndjson")) as file:
            records = [json.loads(line) for line in file]
        self.assertEqual(sorted(record["handshake"] for record in records), ["refused", "unanswered"])

    def test_a_missing_executable_or_directory_is_one_line(self):
        finished = self.runner("--output", self.directory.name, "--handshake", "/nonexistent/handshake",
                               "--sensor", "east=" + os.path.join(FIXTURES, "busy.pcap"))
        self.assertEqual((finished.returncode, finished.stderr),
                         (1, "handshake_dask: --handshake /nonexistent/handshake: no such executable\n"))
        missing = os.path.join(self.directory.name, "nowhere")
        finished = self.runner("--output", self.directory.name, "--handshake", HANDSHAKE, "--sensors-dir", missing)
        self.assertEqual((finished.returncode, finished.stderr),
                         (1, f"handshake_dask: --sensors-dir {missing}: not a directory\n"))

    def test_a_file_that_is_not_a_capture_is_named_and_the_rest_read(self):
        text = self.path("notes.pcap", b"hello, this is not a capture\n")
        output = os.path.join(self.directory.name, "text")
        finished = self.runner("--output", output, "--shards", "1", "--handshake", HANDSHAKE,
                               "--sensor", "east=" + text, "--sensor", "east=" + os.path.join(FIXTURES, "refused.pcap"))
        self.assertEqual(finished.returncode, 5, finished.stderr)
        self.assertIn(f"east: handshake: {text} is not a pcap or pcapng capture: unknown magic 0x68656c6c",
                      finished.stderr)
        self.assertTrue(finished.stdout.startswith("connections          1\n"))


class WorkerLossTests(unittest.TestCase):
    def test_a_worker_killed_mid_run_is_replaced_and_nothing_is_lost_or_doubled(self):
        with tempfile.TemporaryDirectory() as directory:
            # A handshake that takes a second, so the kill lands while tasks run.
            slow = os.path.join(directory, "slow-handshake")
            with open(slow, "w") as file:
                file.write(f"#!/bin/sh\nsleep 1\nexec '{HANDSHAKE}' \"$@\"\n")
            os.chmod(slow, 0o755)
            sensors = {"busy": [os.path.join(FIXTURES, "busy.pcap")],
                       "reuse": [os.path.join(FIXTURES, "port-reuse.pcap")]}
            expected = single_process(sensors)
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                    Client(cluster) as client:
                outcome = {}
                runner = threading.Thread(target=lambda: outcome.update(
                    result=handshake_dask.run(sensors, 4, client, handshake=slow)))
                runner.start()
                deadline = time.monotonic() + 30
                while not any(client.processing().values()) and time.monotonic() < deadline:
                    time.sleep(0.05)
                busy_worker = next(address for address, tasks in client.processing().items() if tasks)
                victim = client.run(os.getpid)[busy_worker]
                os.kill(victim, signal.SIGKILL)
                runner.join(timeout=120)
                self.assertFalse(runner.is_alive())
                self.assertNotIn(victim, client.run(os.getpid).values())
            lines = outcome["result"].lines
            self.assertEqual(len(lines), len(set(lines)))
            self.assertEqual(lines, expected)


if __name__ == "__main__":
    unittest.main()
