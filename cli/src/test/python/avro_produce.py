#!/usr/bin/python3
"""Produce JSON lines to Kafka as Avro in Confluent's wire format, through
confluent-kafka-python's own schema-registry client and Avro serializer.

This is the independent third-party producer the integration tests use: it is
not our code, so a record it writes is a record any Confluent-compatible client
writes.  It runs on Debian's python3-confluent-kafka 1.7 (the legacy
``confluent_kafka.avro`` package: CachedSchemaRegistryClient + MessageSerializer
on top of the ``avro`` library; the newer ``confluent_kafka.schema_registry.avro``
needs fastavro, which Debian does not package).

  * value: Avro, magic byte 0 + 4-byte big-endian schema id + Avro binary.  The
    schema is registered (POST /subjects/<topic>-value/versions, i.e.
    TopicNameStrategy) before the first record; a refusal (409 incompatible,
    422 invalid) ends the run with exit status 1 and the registry's answer on
    stderr.
  * key: the record's --key-field value as plain UTF-8 bytes (what Kafka's
    StringSerializer writes), no Avro, no schema; no key when the field is
    absent or null.
  * timestamp: the record's eventTime (epoch milliseconds) when it has one
    (and it is not negative), otherwise the producer's clock.

Input: one JSON object per line, in the natural shape: union values given
plainly ("sessionId": "s1", not {"string": "s1"}), enums as their symbol,
timestamp-millis as epoch milliseconds; fields left out take the schema's
default.  Blank lines are skipped.

Prints "produced N records to TOPIC" on stdout and exits 0; exits 1 with a
message on stderr on any error (bad input, schema refused, delivery failure).
"""
import argparse
import datetime
import json
import sys

try:
    import avro.errors
    import avro.io
    import avro.schema
    from confluent_kafka import Producer
    from confluent_kafka.avro import CachedSchemaRegistryClient, ClientError, load
    from confluent_kafka.avro.serializer import SerializerError
    from confluent_kafka.avro.serializer.message_serializer import MessageSerializer
except ImportError as e:  # pragma: no cover - environment check
    print("avro_produce: missing Python package (%s); install python3-confluent-kafka and python3-avro" % e,
          file=sys.stderr)
    sys.exit(1)


class InputError(Exception):
    pass


EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
EPOCH_DATE = datetime.date(1970, 1, 1)


def _logical(schema):
    return schema.get_prop("logicalType") if hasattr(schema, "get_prop") else None


def _from_json_logical(schema, datum):
    """JSON numbers for logical types become the Python objects avro-python's validator wants."""
    if isinstance(datum, bool) or not isinstance(datum, int):
        return datum
    lt = _logical(schema)
    if schema.type == "long" and lt == "timestamp-millis":
        return EPOCH + datetime.timedelta(milliseconds=datum)
    if schema.type == "long" and lt == "timestamp-micros":
        return EPOCH + datetime.timedelta(microseconds=datum)
    if schema.type == "int" and lt == "date":
        return EPOCH_DATE + datetime.timedelta(days=datum)
    if schema.type == "int" and lt == "time-millis":
        return (datetime.datetime.min + datetime.timedelta(milliseconds=datum)).time()
    if schema.type == "long" and lt == "time-micros":
        return (datetime.datetime.min + datetime.timedelta(microseconds=datum)).time()
    return datum


def prepare(schema, datum):
    """Return datum in the shape avro-python writes: missing record fields set to
    their schema defaults (recursively, so producers can leave optional fields
    out), and epoch numbers for timestamp/date/time logical types turned into
    datetime objects."""
    t = schema.type
    if t == "record" or t == "error":
        if not isinstance(datum, dict):
            return datum
        out = dict(datum)
        for f in schema.fields:
            if f.name not in out:
                if not f.has_default:
                    continue  # left for the validator to report
                out[f.name] = f.default
            out[f.name] = prepare(f.type, out[f.name])
        return out
    if t == "array":
        if isinstance(datum, list):
            return [prepare(schema.items, x) for x in datum]
        return datum
    if t == "map":
        if isinstance(datum, dict):
            return {k: prepare(schema.values, v) for k, v in datum.items()}
        return datum
    if t == "union":
        if datum is None:
            return None
        # a plain value: the first branch it fits once prepared for that branch
        for branch in schema.schemas:
            if branch.type == "null":
                continue
            try:
                candidate = prepare(branch, datum)
            except (OverflowError, ValueError):
                continue
            if avro.io.validate(branch, candidate):
                return candidate
        return datum
    return _from_json_logical(schema, datum)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Produce JSON lines as Confluent-wire-format Avro.")
    p.add_argument("--bootstrap-servers", required=True)
    p.add_argument("--registry", required=True, help="Confluent-compatible registry URL, e.g. "
                   "http://127.0.0.1:8081/apis/ccompat/v7")
    p.add_argument("--topic", required=True)
    p.add_argument("--schema", required=True, help="value schema, an .avsc file")
    p.add_argument("--input", required=True, help="JSON lines file, or - for stdin")
    p.add_argument("--key-field", default="userId",
                   help="record field whose value is the key, as UTF-8 bytes (default userId; '' for no key)")
    p.add_argument("--no-auto-register", action="store_true",
                   help="look the schema up (POST /subjects/<s>) instead of registering it")
    return p.parse_args(argv)


def read_records(path, schema, key_field):
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    records = []
    try:
        for lineno, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                raise InputError("%s:%d: not JSON: %s" % (path, lineno, e))
            if not isinstance(obj, dict):
                raise InputError("%s:%d: not a JSON object" % (path, lineno))
            try:
                rec = prepare(schema, obj)
            except (OverflowError, ValueError) as e:
                raise InputError("%s:%d: value out of range: %s" % (path, lineno, e))
            try:
                avro.io.validate(schema, rec, raise_on_error=True)
            except avro.errors.AvroTypeException as e:
                raise InputError("%s:%d: does not match schema %s: %s"
                                 % (path, lineno, schema.fullname, e))
            key = None
            if key_field and rec.get(key_field) is not None:
                key = str(rec[key_field]).encode("utf-8")
            ts = obj.get("eventTime")  # epoch milliseconds, as given
            if isinstance(ts, bool) or not isinstance(ts, int) or ts < 0:
                ts = None  # Kafka has no negative timestamps: the producer's clock then
            records.append((key, rec, ts))
    finally:
        if stream is not sys.stdin:
            stream.close()
    return records


def main(argv):
    args = parse_args(argv)
    try:
        schema = load(args.schema)
    except (OSError, ClientError) as e:
        print("avro_produce: cannot read schema %s: %s" % (args.schema, e), file=sys.stderr)
        return 1
    try:
        records = read_records(args.input, schema, args.key_field)
    except (OSError, InputError) as e:
        print("avro_produce: %s" % e, file=sys.stderr)
        return 1

    registry = CachedSchemaRegistryClient({
        "url": args.registry,
        "auto.register.schemas": not args.no_auto_register,
    })
    serializer = MessageSerializer(registry)
    subject = args.topic + "-value"
    try:
        # what encode_record_with_schema does on its first record; done up front so an
        # empty input still registers and a refusal stops us before anything is sent
        if args.no_auto_register:
            schema_id = registry.check_registration(subject, schema)
        else:
            schema_id = registry.register(subject, schema)
    except ClientError as e:
        print("avro_produce: schema registry refused %s for subject %s: %s"
              % (args.schema, subject, e), file=sys.stderr)
        return 1
    except Exception as e:  # requests' ConnectionError and friends
        print("avro_produce: schema registry %s unreachable: %s" % (args.registry, e), file=sys.stderr)
        return 1
    print("avro_produce: schema %s is id %d under subject %s" % (schema.fullname, schema_id, subject),
          file=sys.stderr)

    producer = Producer({
        "bootstrap.servers": args.bootstrap_servers,
        "acks": "all",
        "enable.idempotence": True,
        "linger.ms": 5,
        "message.timeout.ms": 30000,
    })
    failures = []
    delivered = [0]

    def on_delivery(err, msg):
        if err is not None:
            failures.append(str(err))
        else:
            delivered[0] += 1

    try:
        for key, rec, ts in records:
            value = serializer.encode_record_with_schema(args.topic, schema, rec)
            kwargs = {"key": key, "value": value, "on_delivery": on_delivery}
            if ts is not None:
                kwargs["timestamp"] = ts
            while True:
                try:
                    producer.produce(args.topic, **kwargs)
                    break
                except BufferError:
                    producer.poll(0.1)
            producer.poll(0)
    except (SerializerError, ClientError) as e:
        print("avro_produce: cannot serialize: %s" % e, file=sys.stderr)
        producer.flush(30)
        return 1
    remaining = producer.flush(60)
    if remaining:
        failures.append("%d records still undelivered after 60 s" % remaining)
    if failures:
        print("avro_produce: delivery to %s failed: %s" % (args.topic, "; ".join(failures[:5])), file=sys.stderr)
        return 1
    print("produced %d records to %s" % (delivered[0], args.topic))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
