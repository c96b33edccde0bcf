package io.segstream.bench;

import io.segstream.core.dataset.ProductTitles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The real inputs the benchmarks run on. */
final class BenchData {

    static final int TITLES = 200;

    private BenchData() {}

    /** The first 200 distinct product titles of the Online Retail development slice. */
    static List<String> realTitles() {
        String dir = System.getenv().getOrDefault("SEGSTREAM_DATA_DIR", "../shared/data");
        Path csv = Path.of(dir, "online_retail", "online_retail_dev.csv.gz");
        if (!Files.isRegularFile(csv)) {
            throw new IllegalStateException(
                    csv.toAbsolutePath()
                            + " not found: set SEGSTREAM_DATA_DIR to the shared/data folder.");
        }
        try {
            return ProductTitles.distinct(csv, TITLES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
