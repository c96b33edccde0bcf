package io.segstream.bench;

import io.segstream.core.dataset.ProductTitles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The real inputs the benchmarks run on. */
final class BenchData {

    /** Texts per set: titles, or reviews. */
    static final int TEXTS = 200;

    private BenchData() {}

    /** The first 200 distinct product titles of the Online Retail development slice. */
    static List<String> realTitles() {
        Path csv = file("online_retail", "online_retail_dev.csv.gz");
        try {
            return ProductTitles.distinct(csv, TEXTS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first 200 reviews with text of the women's clothing reviews development slice, as a
     * review head reads them: the title, then the body.
     */
    static List<String> realReviews() {
        Path csv = file("womens_clothing_reviews", "womens_clothing_reviews_dev.csv.gz");
        List<String> out = new java.util.ArrayList<>();
        try (var in =
                        new java.io.InputStreamReader(
                                new java.util.zip.GZIPInputStream(Files.newInputStream(csv)),
                                java.nio.charset.StandardCharsets.UTF_8);
                var rows =
                        org.apache.commons.csv.CSVFormat.RFC4180
                                .builder()
                                .setHeader()
                                .setSkipHeaderRecord(true)
                                .get()
                                .parse(in)) {
            for (var row : rows) {
                String text = row.get("Review Text");
                if (!text.isBlank()) {
                    String title = row.get("Title");
                    out.add(title.isBlank() ? text : title + ". " + text);
                    if (out.size() == TEXTS) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Path file(String set, String name) {
        String dir = System.getenv().getOrDefault("SEGSTREAM_DATA_DIR", "../shared/data");
        Path csv = Path.of(dir, set, name);
        if (!Files.isRegularFile(csv)) {
            throw new IllegalStateException(
                    csv.toAbsolutePath()
                            + " not found: set SEGSTREAM_DATA_DIR to the shared/data folder.");
        }
        return csv;
    }
}
