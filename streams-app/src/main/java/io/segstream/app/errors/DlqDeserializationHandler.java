package io.segstream.app.errors;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/** Sends records that do not decode to the dead-letter topic and carries on. */
public final class DlqDeserializationHandler implements DeserializationExceptionHandler {

    private final DeadLetters deadLetters = new DeadLetters();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context,
            ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        return Response.resume(deadLetters.route(context, record.key(), record.value(), exception));
    }
}
