package io.segstream.core.dataset;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** Reads product titles from an Online Retail CSV (plain or gzip), as benchmarks and tests need. */
public final class ProductTitles {

    private static final String DESCRIPTION = "Description";

    private ProductTitles() {}

    /** The first {@code limit} distinct, non-blank titles, trimmed, in file order. */
    public static List<String> distinct(Path csv, int limit) throws IOException {
        Set<String> titles = new LinkedHashSet<>();
        try (BufferedReader reader = open(csv)) {
            CSVFormat format =
                    CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
            for (CSVRecord row : format.parse(reader)) {
                String title = row.get(DESCRIPTION).trim();
                if (!title.isEmpty()) {
                    titles.add(title);
                    if (titles.size() == limit) {
                        break;
                    }
                }
            }
        }
        return new ArrayList<>(titles);
    }

    /** Opens a CSV file as UTF-8 text, unzipping it when its name ends in {@code .gz}. */
    public static BufferedReader open(Path csv) throws IOException {
        InputStream in = Files.newInputStream(csv);
        if (csv.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }
}
