"""python -m handshake_dask: run handshake over sensors' captures on a Dask cluster.

Usage: python -m handshake_dask --output DIR [--shards N] [--handshake PATH]
                                [--scheduler ADDRESS | --local-workers N]
                                (--sensor NAME=GLOB ... | --sensors-dir DIR)

  --sensor east=/captures/east/*.pcap   a sensor and its files (repeat for more)
  --sensors-dir /captures               every subdirectory is a sensor, its
                                        *.pcap and *.pcapng files its captures
  --scheduler tcp://host:8786           an existing cluster (dask scheduler /
                                        dask worker, or any Dask deployment);
                                        the files and handshake must be at the
                                        same paths on every worker
  --local-workers N                     or a LocalCluster of N worker processes
                                        on this machine (default 2)

Writes DIR/records.ndjson (every record with its "sensor"), DIR/records.parquet
and DIR/summary.txt (handshake merge), and prints the summary. Exits 5 after
writing them when a file could not be read whole (each such file is named on
stderr: the run is partial), and 1 with one line when the run failed.
"""
import argparse
import glob
import os
import shutil
import sys

from distributed import Client, LocalCluster

from . import HandshakeFailed, run

PARTIAL_RUN = 5


def sensors_from(arguments):
    sensors = {}
    for spec in arguments.sensor or []:
        name, _, pattern = spec.partition("=")
        files = sorted(glob.glob(pattern))
        if not name or not files:
            sys.exit(f"handshake_dask: --sensor {spec}: give NAME=GLOB matching at least one file")
        sensors.setdefault(name, []).extend(files)
    if arguments.sensors_dir:
        if not os.path.isdir(arguments.sensors_dir):
            sys.exit(f"handshake_dask: --sensors-dir {arguments.sensors_dir}: not a directory")
        for name in sorted(os.listdir(arguments.sensors_dir)):
            directory = os.path.join(arguments.sensors_dir, name)
            files = sorted(glob.glob(os.path.join(directory, "*.pcap")) + glob.glob(os.path.join(directory, "*.pcapng")))
            if os.path.isdir(directory) and files:
                sensors[name] = files
    if not sensors:
        sys.exit("handshake_dask: no captures: give --sensor NAME=GLOB or --sensors-dir DIR")
    return sensors


def main():
    parser = argparse.ArgumentParser(prog="python -m handshake_dask", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", required=True)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--handshake", default="handshake")
    parser.add_argument("--scheduler")
    parser.add_argument("--local-workers", type=int, default=2)
    parser.add_argument("--sensor", action="append")
    parser.add_argument("--sensors-dir")
    arguments = parser.parse_args()
    if arguments.shards < 1:
        sys.exit("handshake_dask: --shards must be 1 or more")
    sensors = sensors_from(arguments)
    handshake = os.path.abspath(arguments.handshake) if os.sep in arguments.handshake else arguments.handshake
    if arguments.scheduler is None and shutil.which(handshake) is None:
        sys.exit(f"handshake_dask: --handshake {arguments.handshake}: no such executable")
    if arguments.scheduler:
        client = Client(arguments.scheduler)
    else:
        client = Client(LocalCluster(n_workers=arguments.local_workers, threads_per_worker=1, processes=True,
                                     dashboard_address=None))
    with client:
        try:
            result = run(sensors, arguments.shards, client, handshake=handshake)
        except HandshakeFailed as failure:
            sys.exit(f"handshake_dask: {failure}")
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    sys.stdout.write(result.write(arguments.output))
    if result.partial:
        print(f"handshake_dask: partial run: {len(result.partial)} tasks could not read every file whole",
              file=sys.stderr)
        sys.exit(PARTIAL_RUN)


if __name__ == "__main__":
    main()
