package io.segstream.app.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The production handler dead-letters what concerns one record (too large, not serializable) with a
 * bounded payload, and lets every fatal or retriable error through as Kafka Streams' default would.
 */
class DlqProductionHandlerTest {

    private static final int MAX_PAYLOAD = 1000;
    private static final ErrorHandlerContext CONTEXT =
            new HandlerContext("shop.clicks", 3, 42L, new TaskId(1, 3));

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DlqProductionHandler handler = new DlqProductionHandler();

    @BeforeEach
    void configure() {
        handler.configure(
                Map.of(
                        DeadLetters.DLQ_TOPIC_CONFIG,
                        "shop.dlq",
                        DeadLetters.METER_REGISTRY_CONFIG,
                        registry,
                        DeadLetters.MAX_PAYLOAD_CONFIG,
                        Integer.toString(MAX_PAYLOAD)));
    }

    @Test
    void shouldDeadLetterARecordTooLargeTruncatedWithItsHeadersAndResume() {
        byte[] value = new byte[5 * MAX_PAYLOAD + 7];
        value[0] = 9;
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>("shop.segment-model", utf8("current"), value);

        Response r = handler.handleError(CONTEXT, record, new RecordTooLargeException("too large"));

        assertThat(r.result()).isEqualTo(Result.RESUME);
        assertThat(r.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> letter = r.deadLetterQueueRecords().get(0);
        assertThat(letter.topic()).isEqualTo("shop.dlq");
        assertThat(letter.key()).isEqualTo(utf8("current"));
        assertThat(letter.value()).hasSize(MAX_PAYLOAD).startsWith((byte) 9);
        assertThat(header(letter, "segstream.original.size"))
                .isEqualTo(Integer.toString(value.length));
        assertThat(header(letter, "segstream.reason")).isEqualTo("OUTPUT_TOO_LARGE");
        assertThat(header(letter, "segstream.target.topic")).isEqualTo("shop.segment-model");
        assertThat(header(letter, "segstream.source.topic")).isEqualTo("shop.clicks");
        assertThat(header(letter, "segstream.source.partition")).isEqualTo("3");
        assertThat(header(letter, "segstream.source.offset")).isEqualTo("42");
        assertThat(header(letter, "segstream.error")).contains("RecordTooLargeException");
        assertThat(
                        registry.get("segstream.dlq.records")
                                .tag("reason", "OUTPUT_TOO_LARGE")
                                .counter()
                                .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterAnUnserialisableOutputAndResume() {
        ProducerRecord<Object, Object> record =
                new ProducerRecord<>(
                        "shop.segments",
                        "u-1",
                        new Object() {
                            @Override
                            public String toString() {
                                return "an assignment the serde cannot write";
                            }
                        });

        Response r =
                handler.handleSerializationError(
                        CONTEXT,
                        record,
                        new ClassCastException("not a SegmentAssignment"),
                        SerializationExceptionOrigin.VALUE);

        assertThat(r.result()).isEqualTo(Result.RESUME);
        ProducerRecord<byte[], byte[]> letter = r.deadLetterQueueRecords().get(0);
        assertThat(header(letter, "segstream.reason")).isEqualTo("UNSERIALISABLE_OUTPUT");
        assertThat(new String(letter.value(), StandardCharsets.UTF_8))
                .isEqualTo("an assignment the serde cannot write");
        assertThat(letter.key()).isEqualTo(utf8("u-1"));
    }

    @Test
    void shouldNotSwallowFatalOrRetriableErrors() {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>("shop.segments", utf8("u-1"), utf8("v"));

        assertThat(
                        handler.handleError(CONTEXT, record, new ProducerFencedException("fenced"))
                                .result())
                .isEqualTo(Result.FAIL);
        assertThat(
                        handler.handleError(
                                        CONTEXT, record, new TopicAuthorizationException("denied"))
                                .result())
                .isEqualTo(Result.FAIL);
        assertThat(
                        handler.handleError(CONTEXT, record, new NotEnoughReplicasException("isr"))
                                .result())
                .isEqualTo(Result.RETRY);
        assertThat(registry.find("segstream.dlq.records").counters()).isEmpty();
    }

    @Test
    void shouldStopRatherThanDropAChangelogOrADeadLetterRecord() {
        RecordTooLargeException tooLarge = new RecordTooLargeException("too large");
        ProducerRecord<byte[], byte[]> changelog =
                new ProducerRecord<>("app-user-profiles-changelog", utf8("u-1"), new byte[10]);
        ProducerRecord<byte[], byte[]> letter =
                new ProducerRecord<>("shop.dlq", utf8("u-1"), new byte[10]);

        assertThat(handler.handleError(CONTEXT, changelog, tooLarge).result())
                .isEqualTo(Result.FAIL);
        assertThat(handler.handleError(CONTEXT, letter, tooLarge).result()).isEqualTo(Result.FAIL);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        assertThat(h).as("header %s", name).isNotNull();
        return new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
