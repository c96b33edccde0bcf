package io.segstream.bench;

import io.segstream.core.dataset.ClothingReviews;
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
        return ClothingReviews.read(
                        file("womens_clothing_reviews", "womens_clothing_reviews_dev.csv.gz"))
                .reviews()
                .stream()
                .filter(r -> !r.body().isBlank())
                .limit(TEXTS)
                .map(ClothingReviews.Review::text)
                .toList();
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
