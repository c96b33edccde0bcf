package io.segstream.app.embedded;

/**
 * The embedded Kafka cluster could not be formatted, started, reached or asked to create topics;
 * the message says which step failed and with which value, and the cause is kept.
 */
public class EmbeddedKafkaException extends RuntimeException {

    public EmbeddedKafkaException(String message) {
        super(message);
    }

    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
