package io.segstream.app.errors;

import io.segstream.app.errors.InvalidEventException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an output record that cannot be written (too large, not serializable, refused by the broker
 * as invalid) to the dead-letter topic, its payload truncated, and carries on: one bad output must
 * not stop the app. Everything else fails as Kafka Streams' default handler would: retriable errors
 * are retried, and fatal ones (fencing, authorization, an unknown topic) stop the client rather
 * than being swallowed.
 *
 * <p>Under exactly-once a record the producer itself refuses aborts the open transaction whatever
 * this handler answers, so oversized values are stopped earlier, by the sinks' serializer ({@link
 * io.segstream.app.serde.SizeBoundSerde}), and arrive here through {@link
 * #handleSerializationError}.
 */
public final class DlqProductionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DlqProductionHandler.class);

    private final DeadLetters deadLetters = new DeadLetters();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context,
            ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        Reason reason = sendReason(exception);
        if (reason == null) {
            return exception instanceof RetriableException ? Response.retry() : Response.fail();
        }
        if (!mayDrop(record.topic(), exception)) {
            return Response.fail();
        }
        return Response.resume(
                deadLetters.routeOutput(
                        context, record.topic(), record.key(), record.value(), reason, exception));
    }

    @Override
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        if (!mayDrop(record.topic(), exception)) {
            return Response.fail();
        }
        OutputTooLargeException tooLarge = find(exception, OutputTooLargeException.class);
        byte[] value = tooLarge != null ? tooLarge.serialized() : render(record.value());
        Reason reason = tooLarge != null ? Reason.OUTPUT_TOO_LARGE : Reason.UNSERIALISABLE_OUTPUT;
        return Response.resume(
                deadLetters.routeOutput(
                        context, record.topic(), render(record.key()), value, reason, exception));
    }

    /** The dead-letter reason of a send error that concerns this one record; null otherwise. */
    private static Reason sendReason(Exception e) {
        if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
            return Reason.OUTPUT_TOO_LARGE;
        }
        if (e instanceof InvalidRecordException) {
            return Reason.INVALID_OUTPUT;
        }
        return null;
    }

    /**
     * Whether dropping this output keeps the app correct. A changelog record that is not written
     * leaves the local store ahead of its changelog, so a restore would silently lose state: better
     * stop; every other output is a derived record whose loss the dead letter documents. A
     * dead-letter record that fails itself must not be dead-lettered again.
     */
    private boolean mayDrop(String topic, Exception e) {
        if (topic.endsWith("-changelog") || topic.equals(deadLetters.topic())) {
            LOG.error(
                    "Cannot drop a record for {}: {}; the app stops rather than lose it",
                    topic,
                    e.toString());
            return false;
        }
        return true;
    }

    private static byte[] render(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof byte[] bytes) {
            return bytes;
        }
        return String.valueOf(o).getBytes(StandardCharsets.UTF_8);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
