package io.segstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    private static final String CLICK_EVENT = ClickEvent.getClassSchema().getFullName();

    @Test
    void shouldReadClickEventWrittenWithVersion1IntoCurrentClass() throws IOException {
        Schema v1 = SchemaCatalog.standard().versionsOf(CLICK_EVENT).get(0);
        assertThat(v1.getField("currency")).as("v1 predates currency").isNull();
        assertThat(v1.getField("eventId")).as("v1 predates eventId").isNull();
        GenericRecord old =
                new GenericRecordBuilder(v1)
                        .set(
                                "eventType",
                                new GenericData.EnumSymbol(
                                        v1.getField("eventType").schema(), "SEARCH"))
                        .set("userId", "u-7")
                        .set("sessionId", "s-1")
                        .set("eventTime", SampleRecords.T0.toEpochMilli())
                        .set("productId", null)
                        .set("title", null)
                        .set("category", null)
                        .set("price", 9.99)
                        .set("queryText", "red shoes")
                        .build();
        ClickEvent decoded = AvroCodec.of(ClickEvent.class).decode(singleObject(v1, old));

        assertThat(decoded.getEventType()).isEqualTo(ClickEventType.SEARCH);
        assertThat(decoded.getUserId()).isEqualTo("u-7");
        assertThat(decoded.getSessionId()).isEqualTo("s-1");
        assertThat(decoded.getEventTime()).isEqualTo(SampleRecords.T0);
        assertThat(decoded.getProductId()).isNull();
        assertThat(decoded.getPrice()).isEqualTo(9.99);
        assertThat(decoded.getQueryText()).isEqualTo("red shoes");
        assertThat(decoded.getCurrency()).isNull();
        assertThat(decoded.getEventId()).isNull();
    }

    @Test
    void shouldReadACentroidDeltaOfVersion2AsEventsOnly() throws IOException {
        // an instance not yet upgraded flushes v2 deltas during a rolling upgrade
        Schema v2 =
                SchemaCatalog.standard()
                        .versionsOf(CentroidDelta.getClassSchema().getFullName())
                        .get(1);
        Schema clusterV2 = v2.getField("deltas").schema().getElementType();
        assertThat(clusterV2.getField("aged")).as("v2 predates aged").isNull();
        GenericRecord old =
                new GenericRecordBuilder(v2)
                        .set("taskId", "1_3")
                        .set("baseModelVersion", 12L)
                        .set("flushTime", SampleRecords.T0.toEpochMilli())
                        .set(
                                "deltas",
                                List.of(
                                        new GenericRecordBuilder(clusterV2)
                                                .set("segmentId", 1)
                                                .set("count", 5L)
                                                .set("sum", List.of(0.5, -1.0))
                                                .build()))
                        .build();
        CentroidDelta decoded = AvroCodec.of(CentroidDelta.class).decode(singleObject(v2, old));

        assertThat(decoded.getDeltas()).hasSize(1);
        assertThat(decoded.getDeltas().get(0).getCount()).isEqualTo(5);
        assertThat(decoded.getDeltas().get(0).getAged()).isZero();
        assertThat(decoded.getDeltas().get(0).getSum()).containsExactly(0.5, -1.0);
    }

    @Test
    void shouldReadAReviewFromAShopThatSendsNoRatingTitleOrRecommendationButNotOneWithoutText() {
        Schema reader = ReviewEvent.getClassSchema();
        String required =
                "{\"name\":\"reviewId\",\"type\":\"string\"},"
                        + "{\"name\":\"userId\",\"type\":\"string\"},"
                        + "{\"name\":\"productId\",\"type\":\"string\"},"
                        + "{\"name\":\"eventTime\",\"type\":{\"type\":\"long\","
                        + "\"logicalType\":\"timestamp-millis\"}}";
        Schema textOnly =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"ReviewEvent\","
                                        + "\"namespace\":\"io.segstream.schemas\",\"fields\":["
                                        + required
                                        + ",{\"name\":\"text\",\"type\":\"string\"}]}");
        Schema noText =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"ReviewEvent\","
                                        + "\"namespace\":\"io.segstream.schemas\",\"fields\":["
                                        + required
                                        + ",{\"name\":\"rating\",\"type\":\"int\"}]}");

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, textOnly).getType())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, noText).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void shouldKeepVersion1IdenticalToCurrentExceptForTheAddedFields() {
        List<Schema> versions = SchemaCatalog.standard().versionsOf(CLICK_EVENT);
        Schema v1 = versions.get(0);
        Schema current = versions.get(versions.size() - 1);

        List<String> currentWithoutAdditions =
                current.getFields().stream()
                        .filter(f -> !f.name().equals("currency") && !f.name().equals("eventId"))
                        .map(SchemaEvolutionTest::describe)
                        .toList();

        assertThat(v1.getFields().stream().map(SchemaEvolutionTest::describe).toList())
                .isEqualTo(currentWithoutAdditions);
    }

    /** {@code record} as an older writer sent it: single-object encoded with its own schema. */
    private static byte[] singleObject(Schema writer, GenericRecord record) throws IOException {
        ByteBuffer encoded =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
        byte[] payload = new byte[encoded.remaining()];
        encoded.get(payload);
        return payload;
    }

    /** Everything about a field but the generator's Java hints, which history files lack. */
    private static String describe(Schema.Field field) {
        return String.join(
                " | ",
                field.name(),
                field.doc(),
                String.valueOf(field.defaultVal()),
                SchemaNormalization.toParsingForm(field.schema()),
                String.valueOf(field.schema().getLogicalType()));
    }
}
