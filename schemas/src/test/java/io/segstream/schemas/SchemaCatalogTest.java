package io.segstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SchemaCatalogTest {

    private static final Path AVRO_SOURCES =
            Path.of(System.getProperty("basedir", ".")).resolve("src/main/avro");

    private final SchemaCatalog catalog = SchemaCatalog.standard();

    @Test
    void shouldKnowTheRecordOfEveryAvscFile() throws IOException {
        List<String> declared = new ArrayList<>();
        try (Stream<Path> files = Files.list(AVRO_SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).toList()) {
                declared.add(new Schema.Parser().parse(file.toFile()).getFullName());
            }
        }

        assertThat(declared).isNotEmpty();
        assertThat(catalog.recordNames()).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void shouldListVersionsOldestFirstAndEndWithTheGeneratedSchema() {
        List<Schema> versions = catalog.versionsOf("io.segstream.schemas.ClickEvent");

        assertThat(versions.get(0).getField("currency")).isNull();
        assertThat(versions.get(versions.size() - 1)).isSameAs(ClickEvent.getClassSchema());
    }

    @Test
    void shouldEndEveryRecordWithItsGeneratedSchema() {
        for (Class<? extends SpecificRecord> type : catalog.recordClasses()) {
            Schema current = SpecificData.get().getSchema(type);
            List<Schema> versions = catalog.versionsOf(current.getFullName());

            assertThat(versions.get(versions.size() - 1)).isEqualTo(current);
        }
    }

    @Test
    void shouldNotDuplicateAnyVersion() {
        for (String name : catalog.recordNames()) {
            List<Long> fingerprints =
                    catalog.versionsOf(name).stream()
                            .map(SchemaNormalization::parsingFingerprint64)
                            .toList();

            assertThat(fingerprints).as(name).doesNotHaveDuplicates();
        }
    }

    @Test
    void shouldRejectAnUnknownRecordName() {
        assertThatThrownBy(() -> catalog.versionsOf("io.segstream.schemas.OrderLine"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("io.segstream.schemas.ClickEvent");
    }

    @Test
    void shouldResolveEveryVersionByFingerprint() {
        assertThat(catalog.allSchemas()).hasSizeGreaterThan(catalog.recordNames().size());
        for (Schema schema : catalog.allSchemas()) {
            Schema found =
                    catalog.schemaStore()
                            .findByFingerprint(SchemaNormalization.parsingFingerprint64(schema));

            assertThat(found).as(schema.getFullName()).isEqualTo(schema);
        }
    }

    @Test
    void shouldDocumentEveryFieldAndNamedType() {
        List<String> undocumented = new ArrayList<>();
        Set<Schema> seen = new HashSet<>();
        catalog.allSchemas()
                .forEach(s -> collectUndocumented(s, s.getFullName(), seen, undocumented));

        assertThat(undocumented).isEmpty();
    }

    @Test
    void shouldStoreTimesAsTimestampMillis() {
        List<String> times = new ArrayList<>();
        Set<Schema> seen = new HashSet<>();
        catalog.allSchemas().forEach(s -> collectTimeFields(s, seen, times));

        assertThat(times).isNotEmpty().allSatisfy(t -> assertThat(t).endsWith("timestamp-millis"));
    }

    private static void collectUndocumented(
            Schema schema, String path, Set<Schema> seen, List<String> undocumented) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema)) {
                    return;
                }
                if (isBlank(schema.getDoc())) {
                    undocumented.add(path + " (record " + schema.getFullName() + ")");
                }
                for (Schema.Field field : schema.getFields()) {
                    String fieldPath = path + "." + field.name();
                    if (isBlank(field.doc())) {
                        undocumented.add(fieldPath);
                    }
                    collectUndocumented(field.schema(), fieldPath, seen, undocumented);
                }
            }
            case ENUM -> {
                if (isBlank(schema.getDoc())) {
                    undocumented.add(path + " (enum " + schema.getFullName() + ")");
                }
            }
            case ARRAY ->
                    collectUndocumented(schema.getElementType(), path + "[]", seen, undocumented);
            case MAP -> collectUndocumented(schema.getValueType(), path + "{}", seen, undocumented);
            case UNION ->
                    schema.getTypes()
                            .forEach(t -> collectUndocumented(t, path, seen, undocumented));
            default -> {}
        }
    }

    /** Fields whose name says they hold a point in time, with their logical type. */
    private static void collectTimeFields(Schema schema, Set<Schema> seen, List<String> times) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema)) {
                    return;
                }
                for (Schema.Field field : schema.getFields()) {
                    String name = field.name();
                    if (name.endsWith("Time") || name.endsWith("At") || name.startsWith("data")) {
                        times.add(
                                schema.getName()
                                        + "."
                                        + name
                                        + ": "
                                        + timeLogicalType(field.schema()));
                    }
                    collectTimeFields(field.schema(), seen, times);
                }
            }
            case ARRAY -> collectTimeFields(schema.getElementType(), seen, times);
            case MAP -> collectTimeFields(schema.getValueType(), seen, times);
            case UNION -> schema.getTypes().forEach(t -> collectTimeFields(t, seen, times));
            default -> {}
        }
    }

    private static String timeLogicalType(Schema schema) {
        Schema nonNull =
                schema.isUnion()
                        ? schema.getTypes().stream()
                                .filter(t -> t.getType() != Schema.Type.NULL)
                                .findFirst()
                                .orElseThrow()
                        : schema;
        return nonNull.getLogicalType() instanceof LogicalTypes.TimestampMillis
                ? "timestamp-millis"
                : String.valueOf(nonNull.getLogicalType());
    }

    private static boolean isBlank(String doc) {
        return doc == null || doc.isBlank();
    }
}
