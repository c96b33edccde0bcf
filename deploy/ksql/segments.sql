-- ksqlDB statements over segstream's output topics.
--
-- UNTESTED: ksqlDB cannot be obtained on our machines, so none of this has ever run. It was
-- written from the ksqlDB documentation and from what the app writes
-- (SegstreamTopology.toJson, schemas/src/main/avro/SegmentChange.avsc). Try it on a ksqlDB
-- of your own before relying on it.
--
-- Topics carry the default topic.prefix "segstream."; change the names if yours differs. Keys
-- are the user id as a plain UTF-8 string (Serdes.String), hence KEY_FORMAT = 'KAFKA'.
--
-- segment-changes is Avro, but in Avro single-object encoding (a C3 01 marker, the schema's
-- 8-byte fingerprint, the record), with no schema registry. ksqlDB's AVRO format needs a schema
-- registry and Confluent's wire format (a 0 byte, a 4-byte schema id, the record), so it cannot
-- read that topic today. So everything that can use the JSON topic, segments-json, does; the
-- STREAM over segment-changes is at the end, commented out, for when the app writes Confluent's
-- wire format.

SET 'auto.offset.reset' = 'earliest';

-- Every user's current segment. segments-json holds each user's latest assignment, one JSON
-- object a record:
--   {"userId": "...", "segmentId": 3, "segmentName": "..." or null, "distance": 0.42,
--    "modelVersion": 7, "eventTime": 1733100000000}
-- and a tombstone (null value) when the user is deleted, which a TABLE applies as a delete.
-- Backticks keep the JSON field names' case.
CREATE TABLE IF NOT EXISTS segstream_segments (
    user_key VARCHAR PRIMARY KEY,
    `userId` VARCHAR,
    `segmentId` INT,
    `segmentName` VARCHAR,
    `distance` DOUBLE,
    `modelVersion` BIGINT,
    `eventTime` BIGINT
) WITH (
    KAFKA_TOPIC = 'segstream.segments-json',
    KEY_FORMAT = 'KAFKA',
    VALUE_FORMAT = 'JSON'
);

-- The same topic as a stream: for now the nearest thing to segment-changes that ksqlDB can read.
-- The app writes a user's assignment only when their segment changes (a first assignment, a
-- move, a move under a new major model version), so each record is a change, but without the
-- previous segment, the change type or the drivers; deletions are tombstones, which a stream
-- skips.
CREATE STREAM IF NOT EXISTS segstream_assignments (
    user_key VARCHAR KEY,
    `userId` VARCHAR,
    `segmentId` INT,
    `segmentName` VARCHAR,
    `distance` DOUBLE,
    `modelVersion` BIGINT,
    `eventTime` BIGINT
) WITH (
    KAFKA_TOPIC = 'segstream.segments-json',
    KEY_FORMAT = 'KAFKA',
    VALUE_FORMAT = 'JSON'
);

-- Users per segment, kept current as users move, are re-scored or are deleted. A table's
-- aggregation takes only functions that can undo (COUNT, SUM), hence the mean distance as
-- SUM / COUNT; segmentName is left out, as GROUP BY drops rows whose key is null and the name
-- may be.
CREATE TABLE IF NOT EXISTS segstream_users_per_segment AS
    SELECT
        `segmentId`,
        COUNT(*) AS users,
        SUM(`distance`) / COUNT(*) AS mean_distance
    FROM segstream_segments
    GROUP BY `segmentId`
    EMIT CHANGES;

-- Examples:
--   pull:  SELECT * FROM segstream_users_per_segment WHERE `segmentId` = 3;
--   push:  SELECT * FROM segstream_users_per_segment EMIT CHANGES;
--   one user: SELECT * FROM segstream_segments WHERE user_key = 'u-42';

-- Users who entered each segment, per minute, from the JSON stream. Windows follow the record
-- timestamp, which the app sets to the time it scored the user as of (for an event, the event's
-- time), so no TIMESTAMP property is needed.
CREATE TABLE IF NOT EXISTS segstream_entered_per_segment_1m AS
    SELECT
        `segmentId`,
        COUNT(*) AS entered
    FROM segstream_assignments
    WINDOW TUMBLING (SIZE 1 MINUTE)
    GROUP BY `segmentId`
    EMIT CHANGES;

-- segment-changes, once the app writes Confluent's wire format and registers SegmentChange.avsc
-- under the subject 'segstream.segment-changes-value' in a schema registry that ksqlDB is
-- configured with (ksql.schema.registry.url). The columns then come from the registry:
-- userId, changeType (the enum, as a STRING), previousSegment, newSegment, previousDistance,
-- newDistance, modelVersion, eventTime (timestamp-millis: TIMESTAMP) and drivers (an ARRAY of
-- STRUCT<feature, value, contribution>). Until then this fails on every record, so it is
-- commented out.
--
-- CREATE STREAM IF NOT EXISTS segstream_segment_changes WITH (
--     KAFKA_TOPIC = 'segstream.segment-changes',
--     KEY_FORMAT = 'KAFKA',
--     VALUE_FORMAT = 'AVRO'
-- );
--
-- Changes per segment, type and minute:
-- CREATE TABLE IF NOT EXISTS segstream_changes_per_segment_1m AS
--     SELECT `newSegment`, `changeType`, COUNT(*) AS changes
--     FROM segstream_segment_changes
--     WINDOW TUMBLING (SIZE 1 MINUTE)
--     GROUP BY `newSegment`, `changeType`
--     EMIT CHANGES;
