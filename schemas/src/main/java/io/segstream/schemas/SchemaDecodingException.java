package io.segstream.schemas;

import java.util.Objects;

/**
 * Thrown when bytes cannot be turned into the expected record.
 *
 * <p>Unchecked because callers (Kafka deserializers, replay tools) can rarely recover in place;
 * they route the bytes to a dead-letter topic, and the {@link Reason} tells them (and the person
 * reading that topic) whether to fix the producer, upgrade the consumer, or drop the bytes.
 */
public final class SchemaDecodingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why decoding failed; each reason calls for a different remedy. */
    public enum Reason {
        /** No bytes at all: usually a tombstone or a producer bug, never a record. */
        EMPTY,
        /** The bytes are not Avro single-object encoded (wrong magic or too short for a header). */
        BAD_HEADER,
        /** The writer's schema fingerprint is unknown: the producer is newer than this reader. */
        UNKNOWN_SCHEMA,
        /** A known schema, but of another record: the bytes were sent to the wrong topic. */
        WRONG_RECORD_TYPE,
        /** The header is fine but the body does not match the writer's schema. */
        CORRUPT_PAYLOAD,
        /** Confluent wire format: the registry knows no schema of the record's id. */
        UNKNOWN_SCHEMA_ID,
        /** Confluent wire format: the writer's schema cannot be read with this reader's schema. */
        INCOMPATIBLE_SCHEMA
    }

    private final Reason reason;
    private final String expectedRecord;

    public SchemaDecodingException(
            Reason reason, String expectedRecord, String detail, Throwable cause) {
        super(
                "Cannot decode "
                        + Objects.requireNonNull(expectedRecord, "expectedRecord")
                        + " ("
                        + Objects.requireNonNull(reason, "reason")
                        + "): "
                        + detail,
                cause);
        this.reason = reason;
        this.expectedRecord = expectedRecord;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Full Avro name of the record the caller expected, e.g. {@code
     * io.segstream.schemas.ClickEvent}.
     */
    public String expectedRecord() {
        return expectedRecord;
    }
}
