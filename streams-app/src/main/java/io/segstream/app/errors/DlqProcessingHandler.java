package io.segstream.app.errors;

import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends records a processor refuses (an {@link InvalidEventException}) or fails on to the
 * dead-letter topic, with the source record's original bytes, and carries on: bad input never stops
 * the app. Two kinds of error must stop it instead: the fault-injection tests' {@link
 * InjectedFatalException}, and a Kafka client error (fencing, authorization, a failed send) that
 * surfaces while a processor forwards: it says nothing about the record at hand, and Kafka Streams
 * raises a failed send only once, so dead-lettering it would swallow it.
 */
public final class DlqProcessingHandler implements ProcessingExceptionHandler {

    private final DeadLetters deadLetters = new DeadLetters();

    @Override
    public void configure(Map<String, ?> configs) {
        deadLetters.configure(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (mustStop(exception)) {
            return Response.fail();
        }
        return Response.resume(
                deadLetters.route(
                        context, context.sourceRawKey(), context.sourceRawValue(), exception));
    }

    static boolean mustStop(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof InjectedFatalException) {
                return true;
            }
            if (t instanceof KafkaException
                    && !(t instanceof StreamsException)
                    && !(t instanceof SerializationException)) {
                return true;
            }
        }
        return false;
    }
}
