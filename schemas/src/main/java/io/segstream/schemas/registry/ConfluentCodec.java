package io.segstream.schemas.registry;

import io.segstream.schemas.SchemaCatalog;
import io.segstream.schemas.SchemaDecodingException;
import io.segstream.schemas.SchemaDecodingException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type in Confluent's wire format: a zero magic byte, the writer
 * schema's registry id (4 bytes, big-endian), then the Avro binary body. These are the bytes
 * Confluent's serializers, and every client built on them, read and write.
 *
 * <p>Encoding registers this record's schema under the topic's subject (once; the id is cached).
 * Decoding fetches the writer schema by id (once per id) and resolves it against this record's
 * schema, so any writer version the reader can read is accepted: an added optional field, a removed
 * field with a default. A record whose id the registry does not know, or whose writer schema this
 * reader cannot resolve, fails with a {@link SchemaDecodingException} naming why, which the app
 * dead-letters. An unreachable registry is waited for, never reported as bad data.
 */
public final class ConfluentCodec<T extends SpecificRecord> {

    static final byte MAGIC = 0;
    static final int HEADER_LENGTH = 5;
    static final int MAX_UNKNOWN_IDS = 1024;

    private final Schema schema;
    private final SpecificData model;
    private final SchemaRegistryClient registry;
    private final DatumWriter<T> writer;
    private final Map<Integer, Object> readersById = new ConcurrentHashMap<>();
    // ids the registry did not know: remembered so that a run of them costs one lookup, but only
    // the latest few, since garbage input can carry any of four billion ids
    private final Map<Integer, SchemaDecodingException> unknownIds =
            java.util.Collections.synchronizedMap(
                    new java.util.LinkedHashMap<>(16, 0.75f, true) {
                        @Override
                        protected boolean removeEldestEntry(
                                Map.Entry<Integer, SchemaDecodingException> eldest) {
                            return size() > MAX_UNKNOWN_IDS;
                        }
                    });

    private ConfluentCodec(Class<T> type, SchemaRegistryClient registry) {
        this.model = SchemaCatalog.standard().specificData();
        this.schema = SpecificData.getForClass(type).getSchema(type);
        this.registry = registry;
        @SuppressWarnings("unchecked")
        DatumWriter<T> w = model.createDatumWriter(schema);
        this.writer = w;
    }

    public static <T extends SpecificRecord> ConfluentCodec<T> of(
            Class<T> type, SchemaRegistryClient registry) {
        return new ConfluentCodec<>(Objects.requireNonNull(type), Objects.requireNonNull(registry));
    }

    public Schema schema() {
        return schema;
    }

    /** The subject this record's values take on {@code topic}. */
    public String subject(String topic) {
        return registry.settings().strategy().subject(topic, schema);
    }

    public byte[] encode(String topic, T record) {
        Objects.requireNonNull(record, "record");
        int id = registry.register(subject(topic), schema, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MAGIC);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder body = EncoderFactory.get().binaryEncoder(out, null);
        try {
            writer.write(record, body);
            body.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + schema.getFullName(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a record written with any schema the registry knows that this reader can resolve.
     *
     * @throws SchemaDecodingException when the payload is empty, not in Confluent's wire format,
     *     written with an id the registry does not know or a schema this reader cannot resolve, or
     *     corrupt
     */
    @SuppressWarnings("unchecked")
    public T decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw failure(Reason.EMPTY, "the payload is empty", null);
        }
        if (payload.length < HEADER_LENGTH || payload[0] != MAGIC) {
            throw failure(
                    Reason.BAD_HEADER,
                    String.format(
                            "not in Confluent's wire format: %d bytes starting with 0x%02X,"
                                    + " expected a zero magic byte and a 4-byte schema id",
                            payload.length, payload[0]),
                    null);
        }
        int id = ByteBuffer.wrap(payload, 1, 4).getInt();
        SchemaDecodingException unknown = unknownIds.get(id);
        if (unknown != null) {
            throw unknown;
        }
        Object reader = readersById.get(id);
        if (reader == null) {
            reader = readerFor(id);
            if (reader instanceof SchemaDecodingException e
                    && e.reason() == Reason.UNKNOWN_SCHEMA_ID) {
                unknownIds.put(id, e);
                throw e;
            }
            // a known id: a registered schema, so this map is bounded by the registry's contents
            readersById.put(id, reader);
        }
        if (reader instanceof SchemaDecodingException refused) {
            throw refused;
        }
        BinaryDecoder body =
                DecoderFactory.get()
                        .binaryDecoder(
                                payload, HEADER_LENGTH, payload.length - HEADER_LENGTH, null);
        try {
            T record = ((DatumReader<T>) reader).read(null, body);
            if (!body.isEnd()) {
                throw failure(
                        Reason.CORRUPT_PAYLOAD,
                        body.remainingBytes() + " unexpected bytes after the end of the record",
                        null);
            }
            return record;
        } catch (IOException | AvroRuntimeException | UnsupportedOperationException e) {
            throw failure(
                    Reason.CORRUPT_PAYLOAD,
                    "the body does not match writer schema id " + id + ": " + e,
                    e);
        }
    }

    /** The reader of writer schema {@code id}, or the decoding failure every such record gets. */
    private Object readerFor(int id) {
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(id, null);
        } catch (RegistryException e) {
            if (e.notFound()) {
                return failure(
                        Reason.UNKNOWN_SCHEMA_ID,
                        "the registry knows no schema with id " + id + " (" + e.getMessage() + ")",
                        e);
            }
            throw e;
        }
        SchemaCompatibility.SchemaPairCompatibility pair =
                SchemaCompatibility.checkReaderWriterCompatibility(schema, writerSchema);
        if (pair.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return failure(
                    Reason.INCOMPATIBLE_SCHEMA,
                    "writer schema id "
                            + id
                            + " ("
                            + writerSchema.getFullName()
                            + ") cannot be read as "
                            + schema.getFullName()
                            + ": "
                            + describe(pair),
                    null);
        }
        return model.createDatumReader(writerSchema, schema);
    }

    /** What makes {@code pair} incompatible, in one line. */
    public static String describe(SchemaCompatibility.SchemaPairCompatibility pair) {
        StringBuilder out = new StringBuilder();
        for (SchemaCompatibility.Incompatibility i : pair.getResult().getIncompatibilities()) {
            if (out.length() > 0) {
                out.append("; ");
            }
            out.append(i.getType())
                    .append(" at ")
                    .append(i.getLocation())
                    .append(": ")
                    .append(i.getMessage());
        }
        return out.toString();
    }

    private SchemaDecodingException failure(Reason reason, String detail, Throwable cause) {
        return new SchemaDecodingException(reason, schema.getFullName(), detail, cause);
    }
}
