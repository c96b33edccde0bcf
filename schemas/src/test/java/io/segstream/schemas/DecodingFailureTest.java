package io.segstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import io.segstream.schemas.SchemaDecodingException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class DecodingFailureTest {

    private static final String CLICK_EVENT = "io.segstream.schemas.ClickEvent";

    private final AvroCodec<ClickEvent> clicks = AvroCodec.of(ClickEvent.class);

    @Test
    void shouldReportEmptyForAnEmptyArray() {
        SchemaDecodingException e = decodeFailure(new byte[0]);

        assertThat(e.reason()).isEqualTo(Reason.EMPTY);
        assertThat(e.expectedRecord()).isEqualTo(CLICK_EVENT);
        assertThat(e).hasMessageContaining(CLICK_EVENT);
    }

    @Test
    void shouldReportEmptyForNull() {
        assertThat(decodeFailure(null).reason()).isEqualTo(Reason.EMPTY);
    }

    @Test
    void shouldReportBadHeaderForGarbageBytes() {
        byte[] garbage = "{\"userId\":\"u-1\",\"eventType\":\"VIEW\"}".getBytes();

        SchemaDecodingException e = decodeFailure(garbage);

        assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
        assertThat(e).hasMessageContaining(CLICK_EVENT).hasMessageContaining("0x7B");
    }

    @Test
    void shouldReportBadHeaderWhenTooShortForAHeader() {
        byte[] encoded = clicks.encode(SampleRecords.clickEvent());

        SchemaDecodingException e = decodeFailure(Arrays.copyOf(encoded, 6));

        assertThat(e.reason()).isEqualTo(Reason.BAD_HEADER);
    }

    @Test
    void shouldReportUnknownSchemaWithFingerprintInHex() {
        Schema unknown =
                SchemaBuilder.record("ClickEvent")
                        .namespace("io.segstream.schemas")
                        .fields()
                        .requiredString("userId")
                        .requiredString("fromTheFuture")
                        .endRecord();
        GenericRecord record =
                new GenericRecordBuilder(unknown)
                        .set("userId", "u-1")
                        .set("fromTheFuture", "x")
                        .build();
        long fingerprint = SchemaNormalization.parsingFingerprint64(unknown);

        SchemaDecodingException e = decodeFailure(encodeGeneric(unknown, record));

        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA);
        assertThat(e)
                .hasMessageContaining(String.format("%016x", fingerprint))
                .hasMessageContaining(CLICK_EVENT)
                .hasMessageContaining("upgrade");
    }

    @Test
    void shouldReportWrongRecordTypeInsteadOfDecodingAnotherRecord() {
        byte[] order = AvroCodec.of(OrderEvent.class).encode(SampleRecords.orderEvent());

        SchemaDecodingException e = decodeFailure(order);

        assertThat(e.reason()).isEqualTo(Reason.WRONG_RECORD_TYPE);
        assertThat(e)
                .hasMessageContaining(CLICK_EVENT)
                .hasMessageContaining("io.segstream.schemas.OrderEvent");
    }

    @Test
    void shouldReportCorruptPayloadForATruncatedBody() {
        byte[] encoded = clicks.encode(SampleRecords.clickEvent());

        SchemaDecodingException e = decodeFailure(Arrays.copyOf(encoded, encoded.length - 3));

        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(e).hasMessageContaining(CLICK_EVENT).hasCauseInstanceOf(EOFException.class);
    }

    @Test
    void shouldReportCorruptPayloadForGarbageAfterAValidHeader() {
        byte[] encoded = clicks.encode(SampleRecords.clickEvent());
        byte[] garbage = Arrays.copyOf(encoded, 10 + 12);
        Arrays.fill(garbage, 10, garbage.length, (byte) 0xFF);

        SchemaDecodingException e = decodeFailure(garbage);

        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(e.getCause()).isNotNull();
    }

    @Test
    void shouldReportCorruptPayloadForTrailingBytes() {
        byte[] encoded = clicks.encode(SampleRecords.clickEvent());

        SchemaDecodingException e = decodeFailure(Arrays.copyOf(encoded, encoded.length + 2));

        assertThat(e.reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(e).hasMessageContaining("2 unexpected bytes");
    }

    @Test
    void shouldRejectAnOversizedStringLengthWithoutAllocatingIt() {
        byte[] header = Arrays.copyOf(clicks.encode(SampleRecords.clickEvent()), 10);
        // eventType = VIEW, then a userId claiming 1.5 GB.
        byte[] payload = concat(header, new byte[] {0}, zigZagVarint(1_500_000_000L));

        Measured<SchemaDecodingException> failure = measure(() -> decodeFailure(payload));

        assertThat(failure.result().reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(failure.allocatedBytes()).isLessThan(50_000_000L);
    }

    @Test
    void shouldRejectAnOversizedArrayCountWithoutAllocatingIt() {
        AvroCodec<CentroidDelta> deltas = AvroCodec.of(CentroidDelta.class);
        byte[] header = Arrays.copyOf(deltas.encode(SampleRecords.centroidDelta()), 10);
        // taskId = "t", baseModelVersion = 0, flushTime = 0, then 400 million deltas.
        byte[] payload = concat(header, new byte[] {2, 't', 0, 0}, zigZagVarint(400_000_000L));

        Measured<SchemaDecodingException> failure = measure(() -> decodeFailure(deltas, payload));

        assertThat(failure.result().reason()).isEqualTo(Reason.CORRUPT_PAYLOAD);
        assertThat(failure.allocatedBytes()).isLessThan(50_000_000L);
    }

    /** What an action returned, and how many bytes the calling thread allocated to get it. */
    private record Measured<T>(T result, long allocatedBytes) {}

    private static <T> Measured<T> measure(Supplier<T> action) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "allocation accounting");
        threads.setThreadAllocatedMemoryEnabled(true);
        long before = threads.getCurrentThreadAllocatedBytes();
        T result = action.get();
        return new Measured<>(result, threads.getCurrentThreadAllocatedBytes() - before);
    }

    private static byte[] zigZagVarint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private SchemaDecodingException decodeFailure(byte[] payload) {
        return decodeFailure(clicks, payload);
    }

    private static SchemaDecodingException decodeFailure(AvroCodec<?> codec, byte[] payload) {
        SchemaDecodingException e =
                catchThrowableOfType(SchemaDecodingException.class, () -> codec.decode(payload));
        assertThat(e).as("decoding should have failed").isNotNull();
        return e;
    }

    private static byte[] encodeGeneric(Schema schema, GenericRecord record) {
        try {
            ByteBuffer buffer =
                    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema)
                            .encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
