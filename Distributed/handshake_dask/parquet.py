"""The merged records as a Parquet file (pyarrow): one row per record,
the JSON fields as columns, times as nanosecond timestamps (exact: read
from the JSON's text, not through a float), transitions and anomalies as
lists of structs. Each task builds the table of its own records (`table`),
so the conversion runs on the workers; the driver concatenates and sorts."""
import json

import pyarrow
import pyarrow.parquet

TIME = pyarrow.timestamp("ns", tz="UTC")
TRANSITION = pyarrow.struct([("t", TIME), ("state", pyarrow.string()), ("inferred", pyarrow.bool_()),
                             ("assumed", pyarrow.bool_())])
ANOMALY = pyarrow.struct([("kind", pyarrow.string()), ("from", pyarrow.string()), ("first_seen", TIME),
                          ("count", pyarrow.int64())])
SCHEMA = pyarrow.schema([
    ("sensor", pyarrow.string()), ("id", pyarrow.int64()), ("ip_version", pyarrow.int8()),
    ("client_ip", pyarrow.string()), ("client_port", pyarrow.int32()),
    ("server_ip", pyarrow.string()), ("server_port", pyarrow.int32()),
    ("initiator_known", pyarrow.bool_()), ("first_seen", TIME), ("last_seen", TIME),
    ("handshake", pyarrow.string()), ("close", pyarrow.string()),
    ("client_state", pyarrow.string()), ("server_state", pyarrow.string()),
    ("client_transitions", pyarrow.list_(TRANSITION)), ("server_transitions", pyarrow.list_(TRANSITION)),
    ("rtt_syn_synack_ns", pyarrow.int64()), ("rtt_synack_ack_ns", pyarrow.int64()),
    ("client_packets", pyarrow.int64()), ("server_packets", pyarrow.int64()),
    ("client_bytes", pyarrow.int64()), ("server_bytes", pyarrow.int64()),
    ("client_ip_bytes", pyarrow.int64()), ("server_ip_bytes", pyarrow.int64()),
    ("syn_retransmissions", pyarrow.int64()), ("anomalies", pyarrow.list_(ANOMALY)),
    ("zeek_conn_state", pyarrow.string()), ("zeek_history", pyarrow.string()), ("end_reason", pyarrow.string()),
])


def nanoseconds(seconds):
    """'1796135853.189463' as 1796135853189463000, exactly."""
    if seconds is None:
        return None
    whole, _, fraction = seconds.partition(".")
    negative = whole.startswith("-")
    value = abs(int(whole)) * 1_000_000_000 + int((fraction + "000000000")[:9])
    return -value if negative else value


def row(line):
    record = json.loads(line, parse_float=str)
    flat = {name: record.get(name) for name in SCHEMA.names if name in record}
    for role in ("client", "server"):
        flat[f"{role}_ip"] = record[role]["ip"]
        flat[f"{role}_port"] = record[role]["port"]
        flat[f"{role}_transitions"] = [dict(change, t=nanoseconds(change["t"])) for change in record[f"{role}_transitions"]]
    flat["first_seen"] = nanoseconds(record["first_seen"])
    flat["last_seen"] = nanoseconds(record["last_seen"])
    flat["rtt_syn_synack_ns"] = nanoseconds(record["rtt"]["syn_synack"])
    flat["rtt_synack_ack_ns"] = nanoseconds(record["rtt"]["synack_ack"])
    flat["anomalies"] = [dict(anomaly, first_seen=nanoseconds(anomaly["first_seen"])) for anomaly in record["anomalies"]]
    return flat


def table(lines):
    """The records of NDJSON lines as an Arrow table."""
    return pyarrow.Table.from_pylist([row(line) for line in lines], schema=SCHEMA)


def write(tables, path):
    """The tables as one Parquet file, rows in the order of the merged NDJSON."""
    merged = pyarrow.concat_tables(tables).sort_by([("first_seen", "ascending"), ("id", "ascending"),
                                                    ("sensor", "ascending")])
    pyarrow.parquet.write_table(merged, path)
    return merged
