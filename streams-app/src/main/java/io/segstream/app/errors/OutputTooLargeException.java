package io.segstream.app.errors;

import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * An output value that would exceed the producer's {@code max.request.size}, raised by the
 * serializer so that the record never reaches the producer: under exactly-once a record the
 * producer itself refuses poisons the open transaction, whatever the exception handler answers.
 * Keeps the serialized bytes so that the dead letter can carry their beginning.
 */
public final class OutputTooLargeException extends RecordTooLargeException {

    private final transient byte[] serialized;

    public OutputTooLargeException(String topic, byte[] serialized, int limit) {
        super(
                "The serialized value for topic "
                        + topic
                        + " is "
                        + serialized.length
                        + " bytes, over the "
                        + limit
                        + " bytes that fit in one request (max.request.size less key, headers and"
                        + " framing)");
        this.serialized = serialized;
    }

    public byte[] serialized() {
        return serialized;
    }
}
