package io.segstream.app.errors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds dead-letter records: the original key and value bytes, untouched, with headers naming
 * where the record came from and why it was refused, so that nothing is lost and a fixed record can
 * be replayed from the DLQ.
 */
final class DeadLetters {

    static final String DLQ_TOPIC_CONFIG = "segstream.dlq.topic";
    static final String METER_REGISTRY_CONFIG = "segstream.meter.registry";

    static final String SOURCE_TOPIC = "segstream.source.topic";
    static final String SOURCE_PARTITION = "segstream.source.partition";
    static final String SOURCE_OFFSET = "segstream.source.offset";
    static final String REASON = "segstream.reason";
    static final String ERROR = "segstream.error";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private String topic;
    private MeterRegistry registry;

    void configure(Map<String, ?> configs) {
        Object t = configs.get(DLQ_TOPIC_CONFIG);
        if (t == null) {
            throw new IllegalStateException(DLQ_TOPIC_CONFIG + " is not set; the topology sets it");
        }
        topic = t.toString();
        if (configs.get(METER_REGISTRY_CONFIG) instanceof MeterRegistry r) {
            registry = r;
        }
    }

    List<ProducerRecord<byte[], byte[]>> route(
            ErrorHandlerContext context, byte[] key, byte[] value, Exception error) {
        InvalidEventException.Reason reason = reasonOf(error);
        String message = messageOf(error);
        RecordHeaders headers = new RecordHeaders();
        headers.add(SOURCE_TOPIC, utf8(context.topic()));
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(context.partition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(context.offset())));
        headers.add(REASON, utf8(reason.name()));
        headers.add(ERROR, utf8(message));
        if (registry != null) {
            Counter.builder("segstream.dlq.records")
                    .description("Input records sent to the dead-letter topic")
                    .tag("reason", reason.name())
                    .register(registry)
                    .increment();
        }
        LOG.warn(
                "Dead-lettered {}-{}@{}: {} ({})",
                context.topic(),
                context.partition(),
                context.offset(),
                reason,
                message);
        return List.of(new ProducerRecord<>(topic, null, key, value, headers));
    }

    private static InvalidEventException.Reason reasonOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof InvalidEventException invalid) {
                return invalid.reason();
            }
            if (t instanceof io.segstream.schemas.SchemaDecodingException) {
                return InvalidEventException.Reason.UNDECODABLE;
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
