package io.segstream.app.serde;

import io.segstream.app.errors.OutputTooLargeException;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Wraps an output serde so that a value too large for one producer request fails in serialization,
 * before the producer sees it. Under exactly-once, a record the producer refuses puts its
 * transaction in an abortable error state (the producer's own size check does so), and the task
 * re-processes the same input into the same record forever; a serialization error instead goes to
 * the production exception handler, which dead-letters it within a healthy transaction.
 */
public final class SizeBoundSerde<T> implements Serde<T> {

    /** Room left for the key (a user id or a model key) and the record and batch framing. */
    static final int KEY_AND_FRAMING_BYTES = 1024;

    private final Serde<T> inner;
    private final int maxRequestSize;

    private SizeBoundSerde(Serde<T> inner, int maxRequestSize) {
        this.inner = inner;
        this.maxRequestSize = maxRequestSize;
    }

    /** {@code inner}, failing values that with key, headers and framing exceed {@code max}. */
    public static <T> Serde<T> of(Serde<T> inner, int maxRequestSize) {
        return new SizeBoundSerde<>(inner, maxRequestSize);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        inner.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        Serializer<T> s = inner.serializer();
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, T data) {
                return check(topic, s.serialize(topic, data), null);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, T data) {
                return check(topic, s.serialize(topic, headers, data), headers);
            }
        };
    }

    private byte[] check(String topic, byte[] bytes, Headers headers) {
        if (bytes == null) {
            return null;
        }
        int limit = maxRequestSize - KEY_AND_FRAMING_BYTES - size(headers);
        if (bytes.length > limit) {
            throw new OutputTooLargeException(topic, bytes, limit);
        }
        return bytes;
    }

    private static int size(Headers headers) {
        int n = 0;
        if (headers != null) {
            for (Header h : headers) {
                n += h.key().length() + (h.value() == null ? 0 : h.value().length) + 10;
            }
        }
        return n;
    }

    @Override
    public Deserializer<T> deserializer() {
        return inner.deserializer();
    }

    @Override
    public void close() {
        inner.close();
    }
}
