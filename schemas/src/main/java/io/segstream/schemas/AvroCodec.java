package io.segstream.schemas;

import io.segstream.schemas.SchemaDecodingException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type with Avro single-object encoding.
 *
 * <p>Single-object encoding puts the writer schema's fingerprint in front of every payload, so a
 * reader can resolve any version listed in {@link SchemaCatalog} into the current class without a
 * schema registry. Encoding is {@link BinaryMessageEncoder}'s. Decoding follows {@link
 * BinaryMessageDecoder} (header, fingerprint lookup in the catalog's {@link SchemaStore}, schema
 * resolution) with two differences:
 *
 * <ul>
 *   <li>the writer schema's full name must be the expected one: schema resolution alone happily
 *       reads a record of another type whose fields happen to fit, turning a topic mix-up into
 *       silently wrong data;
 *   <li>the body is read from the byte array, not from a stream. Avro 1.12.2's {@code
 *       BinaryMessageDecoder} reads through a stream decoder that cannot check a length prefix
 *       against the bytes left, so ten bytes of garbage can make it allocate gigabytes; the
 *       array-backed decoder rejects such lengths, and also reveals trailing bytes.
 * </ul>
 *
 * <p>Instances are thread-safe; create one per type and share it.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecord> {

    private static final byte[] MAGIC = {(byte) 0xC3, (byte) 0x01};
    private static final int FINGERPRINT_LENGTH = 8;
    private static final int HEADER_LENGTH = MAGIC.length + FINGERPRINT_LENGTH;

    private final Schema schema;
    private final SpecificData model;
    private final SchemaStore knownSchemas;
    private final BinaryMessageEncoder<T> encoder;
    private final Map<Long, DatumReader<T>> readersByFingerprint = new ConcurrentHashMap<>();

    private AvroCodec(Class<T> type, SchemaCatalog catalog) {
        this.schema = SpecificData.getForClass(type).getSchema(type);
        this.model = catalog.specificData();
        this.knownSchemas = catalog.schemaStore();
        this.encoder = new BinaryMessageEncoder<>(model, schema);
    }

    /**
     * Creates a codec for one of the catalog's record types.
     *
     * @throws IllegalArgumentException if the type is not a top-level record of {@link
     *     SchemaCatalog}, since its history would be unknown
     */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        SchemaCatalog catalog = SchemaCatalog.standard();
        if (!catalog.recordClasses().contains(type)) {
            throw new IllegalArgumentException(
                    type.getName()
                            + " is not a record of the schema catalog; known: "
                            + catalog.recordNames());
        }
        return new AvroCodec<>(type, catalog);
    }

    /** The current schema, which every decoded record is resolved to. */
    public Schema schema() {
        return schema;
    }

    public byte[] encode(T record) {
        Objects.requireNonNull(record, "record");
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot encode " + schema.getFullName(), e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes a payload written with any known version of this record's schema.
     *
     * @throws SchemaDecodingException when the payload is empty, not single-object encoded, written
     *     with an unknown schema or one of another record, or corrupt
     */
    public T decode(byte[] payload) {
        if (payload == null || payload.length == 0) {
            throw failure(Reason.EMPTY, "the payload is empty", null);
        }
        if (payload.length < HEADER_LENGTH || payload[0] != MAGIC[0] || payload[1] != MAGIC[1]) {
            throw failure(
                    Reason.BAD_HEADER,
                    String.format(
                            "not Avro single-object encoded: %d bytes starting with %s, expected"
                                    + " at least %d bytes starting with 0xC3 0x01",
                            payload.length, hexPrefix(payload), HEADER_LENGTH),
                    null);
        }
        long fingerprint =
                ByteBuffer.wrap(payload, MAGIC.length, FINGERPRINT_LENGTH)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getLong();
        Schema writer = knownSchemas.findByFingerprint(fingerprint);
        if (writer == null) {
            throw failure(
                    Reason.UNKNOWN_SCHEMA,
                    String.format(
                            "writer schema fingerprint %016x is unknown; the producer probably"
                                    + " uses a newer schema, so upgrade segstream-schemas in"
                                    + " this reader",
                            fingerprint),
                    null);
        }
        if (!writer.getFullName().equals(schema.getFullName())) {
            throw failure(
                    Reason.WRONG_RECORD_TYPE,
                    String.format(
                            "the payload is a %s (fingerprint %016x); was it sent to the wrong"
                                    + " topic?",
                            writer.getFullName(), fingerprint),
                    null);
        }
        return decodeBody(payload, writer, fingerprint);
    }

    private T decodeBody(byte[] payload, Schema writer, long fingerprint) {
        DatumReader<T> reader =
                readersByFingerprint.computeIfAbsent(fingerprint, fp -> readerFor(writer));
        BinaryDecoder body =
                DecoderFactory.get()
                        .binaryDecoder(
                                payload, HEADER_LENGTH, payload.length - HEADER_LENGTH, null);
        T record;
        try {
            record = reader.read(null, body);
            if (!body.isEnd()) {
                throw failure(
                        Reason.CORRUPT_PAYLOAD,
                        body.remainingBytes() + " unexpected bytes after the end of the record",
                        null);
            }
        } catch (IOException | AvroRuntimeException | UnsupportedOperationException e) {
            // UnsupportedOperationException: Avro's limits on string and collection sizes.
            throw failure(
                    Reason.CORRUPT_PAYLOAD,
                    String.format(
                            "the body does not match writer schema %016x: %s", fingerprint, e),
                    e);
        }
        return record;
    }

    @SuppressWarnings("unchecked")
    private DatumReader<T> readerFor(Schema writer) {
        return model.createDatumReader(writer, schema);
    }

    private SchemaDecodingException failure(Reason reason, String detail, Throwable cause) {
        return new SchemaDecodingException(reason, schema.getFullName(), detail, cause);
    }

    private static String hexPrefix(byte[] payload) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(payload.length, MAGIC.length); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("0x%02X", payload[i]));
        }
        return hex.toString();
    }
}
