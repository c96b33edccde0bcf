package io.segstream.app.errors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds dead-letter records: the original key and value bytes with headers naming where the record
 * came from and why it was refused, so that a fixed record can be replayed from the DLQ. Bytes
 * beyond {@code dlq.max.payload.bytes} are cut (the {@code segstream.original.size} header keeps
 * the full size): a dead letter must never be too large to send itself, or the error path would
 * stop the app it protects.
 */
final class DeadLetters {

    static final String DLQ_TOPIC_CONFIG = "segstream.dlq.topic";
    static final String METER_REGISTRY_CONFIG = "segstream.meter.registry";
    static final String MAX_PAYLOAD_CONFIG = "segstream.dlq.max.payload.bytes";

    static final String SOURCE_TOPIC = "segstream.source.topic";
    static final String SOURCE_PARTITION = "segstream.source.partition";
    static final String SOURCE_OFFSET = "segstream.source.offset";
    static final String REASON = "segstream.reason";
    static final String ERROR = "segstream.error";
    static final String TARGET_TOPIC = "segstream.target.topic";
    static final String ORIGINAL_SIZE = "segstream.original.size";

    /** Bound on the error message header: a stack of causes must not make the letter too large. */
    private static final int MAX_ERROR_CHARS = 2000;

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private String topic;
    private MeterRegistry registry;
    private int maxPayload = 256 * 1024;

    void configure(Map<String, ?> configs) {
        Object t = configs.get(DLQ_TOPIC_CONFIG);
        if (t == null) {
            throw new IllegalStateException(DLQ_TOPIC_CONFIG + " is not set; the topology sets it");
        }
        topic = t.toString();
        if (configs.get(METER_REGISTRY_CONFIG) instanceof MeterRegistry r) {
            registry = r;
        }
        Object max = configs.get(MAX_PAYLOAD_CONFIG);
        if (max != null) {
            maxPayload = Integer.parseInt(max.toString());
        }
    }

    String topic() {
        return topic;
    }

    /** A dead letter for an input record refused by the deserializer or a processor. */
    List<ProducerRecord<byte[], byte[]>> route(
            ErrorHandlerContext context, byte[] key, byte[] value, Exception error) {
        InvalidEventException.Reason reason = reasonOf(error);
        RecordHeaders headers = sourceHeaders(context);
        return List.of(letter(context, null, key, value, headers, reason, messageOf(error)));
    }

    /**
     * A dead letter for an output record that could not be written to {@code target}; {@code value}
     * is what the record's bytes are known to be (its serialized value, or a rendering of the
     * object when it did not serialize).
     */
    List<ProducerRecord<byte[], byte[]>> routeOutput(
            ErrorHandlerContext context,
            String target,
            byte[] key,
            byte[] value,
            InvalidEventException.Reason reason,
            Exception error) {
        RecordHeaders headers = sourceHeaders(context);
        headers.add(TARGET_TOPIC, utf8(target));
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        return List.of(letter(context, target, key, value, headers, reason, message));
    }

    private ProducerRecord<byte[], byte[]> letter(
            ErrorHandlerContext context,
            String target,
            byte[] key,
            byte[] value,
            RecordHeaders headers,
            InvalidEventException.Reason reason,
            String message) {
        headers.add(REASON, utf8(reason.name()));
        headers.add(ERROR, utf8(cut(message)));
        if (value != null) {
            headers.add(ORIGINAL_SIZE, utf8(Integer.toString(value.length)));
        }
        if (registry != null) {
            Counter.builder("segstream.dlq.records")
                    .description("Records sent to the dead-letter topic")
                    .tag("reason", reason.name())
                    .register(registry)
                    .increment();
        }
        LOG.warn(
                "Dead-lettered {}-{}@{}{}: {} ({})",
                context.topic(),
                context.partition(),
                context.offset(),
                target == null ? "" : " (output to " + target + ")",
                reason,
                message);
        return new ProducerRecord<>(
                topic, null, truncate(key, maxPayload), truncate(value, maxPayload), headers);
    }

    private static RecordHeaders sourceHeaders(ErrorHandlerContext context) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SOURCE_TOPIC, utf8(context.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(context.offset())));
        return headers;
    }

    static byte[] truncate(byte[] bytes, int max) {
        return bytes == null || bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
    }

    private static String cut(String message) {
        return message == null || message.length() <= MAX_ERROR_CHARS
                ? message
                : message.substring(0, MAX_ERROR_CHARS) + "...";
    }

    private static InvalidEventException.Reason reasonOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException invalid) {
                return invalid.reason();
            }
            if (t instanceof io.segstream.schemas.SchemaDecodingException undecodable) {
                return switch (undecodable.reason()) {
                    case UNKNOWN_SCHEMA_ID -> InvalidEventException.Reason.UNKNOWN_SCHEMA_ID;
                    case INCOMPATIBLE_SCHEMA -> InvalidEventException.Reason.INCOMPATIBLE_SCHEMA;
                    default -> InvalidEventException.Reason.UNDECODABLE;
                };
            }
        }
        return InvalidEventException.Reason.PROCESSING_ERROR;
    }

    private static String messageOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException
                    || t instanceof io.segstream.schemas.SchemaDecodingException) {
                return t.getMessage();
            }
        }
        return error.getClass().getSimpleName() + ": " + error.getMessage();
    }

    private static byte[] utf8(String s) {
        return (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
    }
}
