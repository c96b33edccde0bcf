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
        ConsumerRecord<Object, Object> record =
                new ConsumerRecord<>(
                        "clicks",
                        0,
                        0,
                        "u1",
                        TopologyHarness.view("u1", eventTime, "Red dress", "dresses", 10));
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
}
