package io.segstream.app.errors;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sends records a processor refuses (an {@link InvalidEventException}) or fails on to the
 * dead-letter topic, with the source record's original bytes, and carries on: bad input never stops
 * the app. The one exception is the fault-injection tests' {@link InjectedFatalException}, which
 * must stop it.
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
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof InjectedFatalException) {
                return Response.fail();
            }
        }
        return Response.resume(
                deadLetters.route(
                        context, context.sourceRawKey(), context.sourceRawValue(), exception));
    }
}
