package io.segstream.core.dataset;

import io.segstream.core.head.ReviewScorer;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the Women's E-Commerce Clothing Reviews CSV (plain or gzip): the labelled review text that
 * review heads are trained on. Rows without text (neither title nor body) carry nothing to learn
 * from and are skipped; a row whose rating or flag does not parse is skipped and counted. Never
 * fatal on a bad row.
 */
public final class ClothingReviews {

    /** The columns a file must have; their absence is a wrong file, not bad rows. */
    static final Set<String> COLUMNS =
            Set.of("Clothing ID", "Title", "Review Text", "Rating", "Recommended IND");

    /** One labelled review; {@code productId} groups the folds, so no product is in two. */
    public record Review(
            String productId, String title, String body, int rating, boolean recommended) {

        /** Title and body as one text, as the stream encodes a review. */
        public String text() {
            return ReviewScorer.text(title, body);
        }
    }

    /** What was read; {@code skipped} rows had no text or did not parse. */
    public record Result(List<Review> reviews, int rows, int skipped) {}

    private ClothingReviews() {}

    public static Result read(Path file) {
        try (InputStream raw = Files.newInputStream(file);
                InputStream in =
                        file.getFileName().toString().endsWith(".gz")
                                ? new GZIPInputStream(raw, 1 << 16)
                                : raw;
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return read(reader, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the reviews file " + file, e);
        }
    }

    static Result read(Reader reader, String name) throws IOException {
        var parser =
                CSVFormat.RFC4180
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get()
                        .parse(reader);
        if (!parser.getHeaderMap().keySet().containsAll(COLUMNS)) {
            throw new IllegalArgumentException(
                    name
                            + " is not the clothing reviews CSV: it needs the columns "
                            + COLUMNS
                            + ", it has "
                            + parser.getHeaderMap().keySet());
        }
        List<Review> reviews = new ArrayList<>();
        int rows = 0;
        int skipped = 0;
        for (CSVRecord row : parser) {
            rows++;
            Review review = review(row);
            if (review == null) {
                skipped++;
            } else {
                reviews.add(review);
            }
        }
        return new Result(List.copyOf(reviews), rows, skipped);
    }

    private static Review review(CSVRecord row) {
        if (!row.isConsistent()) {
            return null;
        }
        String title = row.get("Title").strip();
        String body = row.get("Review Text").strip();
        if (title.isEmpty() && body.isEmpty()) {
            return null;
        }
        try {
            int rating = Integer.parseInt(row.get("Rating").strip());
            String flag = row.get("Recommended IND").strip();
            if (rating < 1 || rating > 5 || !(flag.equals("0") || flag.equals("1"))) {
                return null;
            }
            return new Review(
                    row.get("Clothing ID").strip(), title, body, rating, flag.equals("1"));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
