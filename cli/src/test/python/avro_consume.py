#!/usr/bin/python3
"""Read a topic of Confluent-wire-format Avro values with confluent-kafka-python's
own deserializer and print each value as one JSON line.

The independent third-party reader of the integration tests (Debian's
python3-confluent-kafka 1.7: the legacy confluent_kafka.avro MessageSerializer,
which checks the magic byte, fetches the writer schema by id from
GET /schemas/ids/<id> and decodes with the ``avro`` library).

  * reads every partition from the beginning, isolation.level=read_committed,
    with a fresh random group id (assigned partitions, nothing committed);
  * keys are not decoded (ours are plain strings); --envelope shows them;
  * stops after --expect records, or when no new record arrived for --timeout-s
    seconds (also when the topic never appears within that time);
  * stdout: one JSON object per record value, in the writer schema's field
    order: unions as plain values, enums as their symbol, timestamp-millis and
    timestamp-micros as epoch milli/microseconds, date as days since the epoch,
    time-millis/-micros as milli/microseconds since midnight, bytes/fixed as
    ISO-8859-1 strings (Avro's JSON convention), decimals as strings; a null
    value (tombstone) prints as null.  With --envelope each line is
    {"topic","partition","offset","timestamp","key","schemaId","value"}.
  * everything else goes to stderr.

Exit status: 0 when --expect records were read (or, without --expect, when the
topic went quiet); 2 when fewer than --expect records were read before the
timeout (the records read are still printed); 1 on errors such as a value that
cannot be decoded (unknown schema id, no magic byte).
"""
import argparse
import datetime
import decimal
import json
import struct
import sys
import time
import uuid

try:
    import avro.schema
    from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition, OFFSET_BEGINNING
    from confluent_kafka.avro import CachedSchemaRegistryClient
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
except ImportError as e:  # pragma: no cover - environment check
    print("avro_consume: missing Python package (%s); install python3-confluent-kafka and python3-avro" % e,
          file=sys.stderr)
    sys.exit(1)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
EPOCH_DATE = datetime.date(1970, 1, 1)


def _micros(td):
    return (td.days * 86400 + td.seconds) * 1000000 + td.microseconds


def _logical(schema):
    return schema.get_prop("logicalType") if hasattr(schema, "get_prop") else None


def _fits(schema, datum):
    """Whether a decoded datum belongs to this union branch (for picking the branch)."""
    t = schema.type
    lt = _logical(schema)
    if t == "null":
        return datum is None
    if t == "boolean":
        return isinstance(datum, bool)
    if lt in ("timestamp-millis", "timestamp-micros"):
        return isinstance(datum, datetime.datetime)
    if lt == "date":
        return isinstance(datum, datetime.date) and not isinstance(datum, datetime.datetime)
    if lt in ("time-millis", "time-micros"):
        return isinstance(datum, datetime.time)
    if lt == "decimal":
        return isinstance(datum, decimal.Decimal)
    if t in ("int", "long"):
        return isinstance(datum, int) and not isinstance(datum, bool)
    if t in ("float", "double"):
        return isinstance(datum, float)
    if t == "string":
        return isinstance(datum, str)
    if t in ("bytes", "fixed"):
        return isinstance(datum, bytes)
    if t == "enum":
        return isinstance(datum, str) and datum in schema.symbols
    if t == "array":
        return isinstance(datum, list)
    if t == "map":
        return isinstance(datum, dict)
    if t in ("record", "error"):
        return isinstance(datum, dict) and set(datum) == {f.name for f in schema.fields}
    return False


def to_json(schema, datum):
    """Turn what avro's DatumReader returned into plain JSON types, guided by the writer schema."""
    if datum is None:
        return None
    t = schema.type
    if t == "union":
        for branch in schema.schemas:
            if _fits(branch, datum):
                return to_json(branch, datum)
        raise ValueError("value %r fits no branch of %s" % (datum, schema))
    if t in ("record", "error"):
        return {f.name: to_json(f.type, datum.get(f.name)) for f in schema.fields}
    if t == "array":
        return [to_json(schema.items, x) for x in datum]
    if t == "map":
        return {k: to_json(schema.values, v) for k, v in datum.items()}
    if isinstance(datum, datetime.datetime):
        if datum.tzinfo is None:
            datum = datum.replace(tzinfo=datetime.timezone.utc)
        micros = _micros(datum - EPOCH)
        return micros if _logical(schema) == "timestamp-micros" else micros // 1000
    if isinstance(datum, datetime.date):
        return (datum - EPOCH_DATE).days
    if isinstance(datum, datetime.time):
        micros = ((datum.hour * 60 + datum.minute) * 60 + datum.second) * 1000000 + datum.microsecond
        return micros if _logical(schema) == "time-micros" else micros // 1000
    if isinstance(datum, decimal.Decimal):
        return str(datum)
    if isinstance(datum, bytes):
        return datum.decode("iso-8859-1")
    if isinstance(datum, float) and (datum != datum or datum in (float("inf"), float("-inf"))):
        return str(datum)  # NaN/Infinity are not JSON
    return datum


def parse_args(argv):
    p = argparse.ArgumentParser(description="Print a topic's Confluent-wire-format Avro values as JSON lines.")
    p.add_argument("--bootstrap-servers", required=True)
    p.add_argument("--registry", required=True)
    p.add_argument("--topic", required=True)
    p.add_argument("--timeout-s", type=float, default=30.0,
                   help="stop when no new record arrived for this long (default 30)")
    p.add_argument("--expect", type=int, default=None, help="stop after this many records")
    p.add_argument("--envelope", action="store_true",
                   help="print topic/partition/offset/timestamp/key/schemaId around each value")
    return p.parse_args(argv)


def wait_for_partitions(consumer, topic, deadline):
    while True:
        try:
            md = consumer.list_topics(topic, timeout=max(0.5, min(5.0, deadline - time.monotonic())))
            tmd = md.topics.get(topic)
            if tmd is not None and tmd.error is None and tmd.partitions:
                return sorted(tmd.partitions)
        except KafkaException as e:
            print("avro_consume: metadata: %s" % e, file=sys.stderr)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.5)


def main(argv):
    args = parse_args(argv)
    registry = CachedSchemaRegistryClient({"url": args.registry})
    serializer = MessageSerializer(registry)
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap_servers,
        "group.id": "avro-consume-" + uuid.uuid4().hex,
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "enable.partition.eof": False,
    })
    count = 0
    try:
        partitions = wait_for_partitions(consumer, args.topic, time.monotonic() + args.timeout_s)
        if partitions is None:
            print("avro_consume: topic %s did not appear within %.0f s" % (args.topic, args.timeout_s),
                  file=sys.stderr)
        else:
            consumer.assign([TopicPartition(args.topic, p, OFFSET_BEGINNING) for p in partitions])
            last = time.monotonic()
            while args.expect is None or count < args.expect:
                if time.monotonic() - last >= args.timeout_s:
                    break
                msg = consumer.poll(0.5)
                if msg is None:
                    continue
                if msg.error():
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        continue
                    print("avro_consume: %s" % msg.error(), file=sys.stderr)
                    if msg.error().fatal():
                        return 1
                    continue
                last = time.monotonic()
                raw = msg.value()
                schema_id = None
                if raw is None:
                    value = None
                else:
                    try:
                        decoded = serializer.decode_message(raw)
                    except Exception as e:  # SerializerError, or requests' errors when the registry is down
                        print("avro_consume: cannot decode %s[%d]@%d: %s"
                              % (msg.topic(), msg.partition(), msg.offset(), e), file=sys.stderr)
                        return 1
                    schema_id = struct.unpack(">I", raw[1:5])[0]
                    value = to_json(registry.get_by_id(schema_id), decoded)
                if args.envelope:
                    key = msg.key()
                    line = {
                        "topic": msg.topic(),
                        "partition": msg.partition(),
                        "offset": msg.offset(),
                        "timestamp": msg.timestamp()[1],
                        "key": None if key is None else key.decode("utf-8", "replace"),
                        "schemaId": schema_id,
                        "value": value,
                    }
                else:
                    line = value
                sys.stdout.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
                sys.stdout.flush()
                count += 1
    finally:
        consumer.close()
    if args.expect is not None and count < args.expect:
        print("avro_consume: read %d of %d records from %s before %.0f s without a new one"
              % (count, args.expect, args.topic, args.timeout_s), file=sys.stderr)
        return 2
    print("avro_consume: read %d records from %s" % (count, args.topic), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
