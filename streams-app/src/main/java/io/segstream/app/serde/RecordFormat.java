package io.segstream.app.serde;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.registry.ConfluentCodec;
import io.segstream.schemas.registry.RegistryException;
import io.segstream.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How segstream's Avro topics are framed ({@code serde.format}): Avro single-object encoding with
 * the schemas segstream ships, or Confluent's wire format with a schema registry. One instance per
 * app, so that every serde shares the registry client and its caches.
 */
public final class RecordFormat {

    private static final Duration STARTUP_PATIENCE = Duration.ofSeconds(60);

    private final SchemaRegistryClient registry;
    private final Map<Class<?>, ConfluentCodec<?>> codecs = new ConcurrentHashMap<>();
    private final Map<Class<?>, AvroCodec<?>> singleObject = new ConcurrentHashMap<>();

    private RecordFormat(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    public static RecordFormat of(SegstreamConfig config) {
        return new RecordFormat(
                config.confluentFormat()
                        ? new SchemaRegistryClient(config.registrySettings())
                        : null);
    }

    /** Whether records carry a registry id (Confluent's wire format). */
    public boolean usesRegistry() {
        return registry != null;
    }

    /** The registry client; null unless {@link #usesRegistry()}. */
    public SchemaRegistryClient registry() {
        return registry;
    }

    public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
        if (registry == null) {
            return AvroSerde.of(type);
        }
        ConfluentCodec<T> codec = codec(type);
        Serializer<T> serializer =
                (topic, value) -> value == null ? null : codec.encode(topic, value);
        Deserializer<T> deserializer = (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    public <T extends SpecificRecord> byte[] encode(String topic, T record) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) record.getClass();
        return registry == null ? avro(type).encode(record) : codec(type).encode(topic, record);
    }

    public <T extends SpecificRecord> T decode(Class<T> type, byte[] bytes) {
        return registry == null ? avro(type).decode(bytes) : codec(type).decode(bytes);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> AvroCodec<T> avro(Class<T> type) {
        return (AvroCodec<T>) singleObject.computeIfAbsent(type, t -> AvroCodec.of(type));
    }

    /**
     * Checks, before the app starts, that segstream can read the latest schema of each input
     * subject and may register its own under each output subject; throws naming the subject and
     * what is incompatible. A subject with no version yet passes.
     */
    public void checkSubjects(
            Map<String, Class<? extends SpecificRecord>> inputs,
            Map<String, Class<? extends SpecificRecord>> outputs) {
        if (registry == null) {
            return;
        }
        for (var in : inputs.entrySet()) {
            ConfluentCodec<?> codec = codec(in.getValue());
            String subject = codec.subject(in.getKey());
            registry.latest(subject, STARTUP_PATIENCE)
                    .ifPresent(
                            latest -> {
                                var pair =
                                        SchemaCompatibility.checkReaderWriterCompatibility(
                                                codec.schema(), latest.schema());
                                if (pair.getType() != SchemaCompatibilityType.COMPATIBLE) {
                                    throw new IllegalStateException(
                                            "Schema registry subject "
                                                    + subject
                                                    + ": its latest version ("
                                                    + latest.version()
                                                    + ", id "
                                                    + latest.id()
                                                    + ") cannot be read as segstream's "
                                                    + codec.schema().getFullName()
                                                    + ": "
                                                    + ConfluentCodec.describe(pair)
                                                    + ". Producers must write a schema this"
                                                    + " version of segstream can read (add"
                                                    + " fields with defaults), or upgrade"
                                                    + " segstream.");
                                }
                            });
        }
        for (var out : outputs.entrySet()) {
            ConfluentCodec<?> codec = codec(out.getValue());
            String subject = codec.subject(out.getKey());
            try {
                registry.register(subject, codec.schema(), STARTUP_PATIENCE);
            } catch (RegistryException e) {
                throw new IllegalStateException(
                        "Schema registry subject "
                                + subject
                                + " does not accept segstream's "
                                + codec.schema().getFullName()
                                + " ("
                                + e.getMessage()
                                + "). Check the subject's compatibility setting and its latest"
                                + " version.",
                        e);
            }
        }
    }

    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> ConfluentCodec<T> codec(Class<T> type) {
        return (ConfluentCodec<T>)
                codecs.computeIfAbsent(type, t -> ConfluentCodec.of(type, registry));
    }
}
