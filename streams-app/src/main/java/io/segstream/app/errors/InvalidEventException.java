package io.segstream.app.errors;

/** An input event segstream refuses; it goes to the dead-letter topic with {@link #reason()}. */
public class InvalidEventException extends RuntimeException {

    /** Why an event was refused; the value of the {@code segstream.reason} DLQ header. */
    public enum Reason {
        UNDECODABLE,
        /** Confluent wire format: the schema registry knows no schema of the record's id. */
        UNKNOWN_SCHEMA_ID,
        /** Confluent wire format: a writer schema segstream's reader cannot resolve. */
        INCOMPATIBLE_SCHEMA,
        MISSING_USER_ID,
        KEY_NOT_USER_ID,
        INVALID_PRICE,
        INVALID_QUANTITY,
        FUTURE_EVENT_TIME,
        PAST_EVENT_TIME,
        TOO_MANY_LINES,
        TEXT_TOO_LONG,
        /** A review with a rating outside 1 to 5, or with no text at all. */
        INVALID_REVIEW,
        PROCESSING_ERROR,
        /** An output record over the producer's max.request.size: the input is not at fault. */
        OUTPUT_TOO_LARGE,
        /** An output record whose serializer failed: the input is not at fault. */
        UNSERIALISABLE_OUTPUT,
        /** An output record the broker refused as invalid (e.g. no key on a compacted topic). */
        INVALID_OUTPUT
    }

    private final Reason reason;

    public InvalidEventException(Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
