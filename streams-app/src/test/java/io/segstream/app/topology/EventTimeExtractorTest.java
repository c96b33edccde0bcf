package io.segstream.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class EventTimeExtractorTest {

    private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");
    private static final long PARTITION_TIME = NOW.minusSeconds(60).toEpochMilli();

    private final EventTimeExtractor extractor =
            new EventTimeExtractor(
                    new Events(
                            new Events.Limits(
                                    1000,
                                    86_400_000L,
                                    Instant.parse("2000-01-01T00:00:00Z").toEpochMilli(),
                                    1e9,
                                    1000),
                            NOW::toEpochMilli,
                            ""));

    private long extract(Instant eventTime) {
        return extract(eventTime, 10);
    }

    private long extract(Instant eventTime, double price) {
        ConsumerRecord<Object, Object> record =
                new ConsumerRecord<>(
                        "clicks",
                        0,
                        0,
                        "u1",
                        TopologyHarness.view("u1", eventTime, "Red dress", "dresses", price));
        return extractor.extract(record, PARTITION_TIME);
    }

    @Test
    void shouldStampAValidEventWithItsEventTime() {
        Instant t = NOW.minusSeconds(3600);
        assertEquals(t.toEpochMilli(), extract(t));
    }

    @Test
    void shouldNotLetATimeTheValidationRefusesMoveStreamTime() {
        assertEquals(PARTITION_TIME, extract(Instant.parse("2100-01-01T00:00:00Z")));
        assertEquals(PARTITION_TIME, extract(Instant.parse("1970-01-02T00:00:00Z")));
    }

    @Test
    void shouldStampAnEventBoundForTheDeadLetterTopicWithThePartitionTime() {
        assertEquals(PARTITION_TIME, extract(NOW.minusSeconds(3600), Double.NaN));
    }

    @Test
    void shouldStampARecordWithoutAnEventWithThePartitionTimeNotItsProducersClock() {
        ConsumerRecord<Object, Object> nullValue =
                new ConsumerRecord<>(
                        "clicks",
                        0,
                        0,
                        NOW.toEpochMilli(),
                        org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                        0,
                        0,
                        "u1",
                        null,
                        new org.apache.kafka.common.header.internals.RecordHeaders(),
                        java.util.Optional.empty());
        assertEquals(PARTITION_TIME, extractor.extract(nullValue, PARTITION_TIME));
        assertEquals(0, extractor.extract(nullValue, -1));
    }
}
