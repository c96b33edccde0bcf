package io.segstream.app.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.segstream.app.errors.InvalidEventException.Reason;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input is dead-lettered and processing goes on; an injected fatal error, or a Kafka client
 * error that surfaces while a processor forwards (a failed send, fencing, authorization), stops the
 * app instead of being swallowed with an innocent record.
 */
class DlqProcessingHandlerTest {

    private static final ErrorHandlerContext CONTEXT =
            new HandlerContext("shop.clicks", 0, 7L, new TaskId(0, 0));
    private static final Record<String, String> RECORD = new Record<>("u-1", "event", 0L);

    private final DlqProcessingHandler handler = new DlqProcessingHandler();

    @BeforeEach
    void configure() {
        handler.configure(Map.of(DeadLetters.DLQ_TOPIC_CONFIG, "shop.dlq"));
    }

    @Test
    void shouldDeadLetterBadInputAndProcessingBugsAndResume() {
        Response invalid =
                handler.handleError(
                        CONTEXT,
                        RECORD,
                        new InvalidEventException(Reason.INVALID_PRICE, "Price NaN"));
        Response bug = handler.handleError(CONTEXT, RECORD, new NullPointerException("oops"));

        assertThat(invalid.result()).isEqualTo(Result.RESUME);
        assertThat(invalid.deadLetterQueueRecords()).hasSize(1);
        assertThat(bug.result()).isEqualTo(Result.RESUME);
        assertThat(bug.deadLetterQueueRecords()).hasSize(1);
    }

    @Test
    void shouldFailOnInjectedFatalErrorsAndKafkaClientErrors() {
        assertThat(fails(new InjectedFatalException("u-fatal"))).isTrue();
        assertThat(fails(new StreamsException("wrapped", new InjectedFatalException("u-fatal"))))
                .isTrue();
        assertThat(
                        fails(
                                new StreamsException(
                                        "Error encountered sending record to topic shop.segments",
                                        new TopicAuthorizationException("denied"))))
                .isTrue();
        assertThat(
                        fails(
                                new TaskMigratedException(
                                        "fenced", new ProducerFencedException("fenced"))))
                .isTrue();
        assertThat(
                        fails(
                                new StreamsException(
                                        "send failed",
                                        new KafkaException(
                                                "Cannot execute transactional method because we"
                                                        + " are in an error state"))))
                .isTrue();
    }

    private boolean fails(Exception e) {
        Response r = handler.handleError(CONTEXT, RECORD, e);
        return r.result() == Result.FAIL && r.deadLetterQueueRecords().isEmpty();
    }
}
