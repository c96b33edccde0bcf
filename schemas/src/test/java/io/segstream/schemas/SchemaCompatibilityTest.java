package io.segstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.Test;

class SchemaCompatibilityTest {

    private static final Path HISTORY_ON_DISK =
            Path.of(System.getProperty("basedir", "."))
                    .resolve("src/main/resources/io/segstream/schemas/history");

    private final SchemaCatalog catalog = SchemaCatalog.standard();

    @Test
    void shouldReadEveryEarlierVersionWithEveryLaterOne() {
        List<String> incompatible = new ArrayList<>();
        int pairsChecked = 0;
        for (String name : catalog.recordNames()) {
            List<Schema> versions = catalog.versionsOf(name);
            for (int reader = 1; reader < versions.size(); reader++) {
                for (int writer = 0; writer < reader; writer++) {
                    SchemaPairCompatibility result =
                            SchemaCompatibility.checkReaderWriterCompatibility(
                                    versions.get(reader), versions.get(writer));
                    pairsChecked++;
                    if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                        incompatible.add(
                                String.format(
                                        "%s v%d cannot read v%d: %s",
                                        name, reader + 1, writer + 1, describe(result)));
                    }
                }
            }
        }

        assertThat(pairsChecked).as("pairs of versions checked").isPositive();
        assertThat(incompatible).isEmpty();
    }

    private static List<String> describe(SchemaPairCompatibility result) {
        return result.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .toList();
    }

    @Test
    void shouldHaveAtLeastOneOlderVersionInHistory() {
        assertThat(catalog.recordNames())
                .anySatisfy(name -> assertThat(catalog.versionsOf(name)).hasSizeGreaterThan(1));
        assertThat(catalog.versionsOf(ClickEvent.getClassSchema().getFullName())).hasSize(2);
    }

    @Test
    void shouldListEveryHistoryFileOnDiskInTheIndex() throws IOException {
        assertThat(HISTORY_ON_DISK).as("history directory (run from the module)").isDirectory();
        List<String> onDisk;
        try (Stream<Path> files = Files.list(HISTORY_ON_DISK)) {
            onDisk =
                    files.map(p -> p.getFileName().toString())
                            .filter(f -> f.endsWith(".avsc"))
                            .toList();
        }
        List<String> indexed =
                Files.readAllLines(HISTORY_ON_DISK.resolve("index.txt")).stream()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                        .toList();

        assertThat(onDisk).isNotEmpty();
        assertThat(indexed).containsExactlyInAnyOrderElementsOf(onDisk);
    }
}
