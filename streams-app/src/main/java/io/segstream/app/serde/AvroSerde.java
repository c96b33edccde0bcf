package io.segstream.app.serde;

import io.segstream.schemas.AvroCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde over Avro single-object encoding. Decoding errors surface as {@link
 * io.segstream.schemas.SchemaDecodingException}, which the deserialisation handler routes to the
 * dead-letter topic. A null value is a tombstone both ways.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroCodec<T> codec;

    private AvroSerde(Class<T> type) {
        this.codec = AvroCodec.of(type);
    }

    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
        return new AvroSerde<>(type);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : codec.encode(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
    }
}
