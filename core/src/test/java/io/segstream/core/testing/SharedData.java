package io.segstream.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the real development data in {@code ../shared/data}. Where it is absent (a user's
 * machine) tests that need it are skipped with a message; where {@code segstream.data.required} is
 * true (CI) a missing file fails the build instead.
 */
public final class SharedData {

    public static final String ONLINE_RETAIL_DEV = "online_retail/online_retail_dev.csv.gz";

    public static final String CLOTHING_REVIEWS_DEV =
            "womens_clothing_reviews/womens_clothing_reviews_dev.csv.gz";

    private SharedData() {}

    public static Path onlineRetailDev() {
        return require(ONLINE_RETAIL_DEV);
    }

    public static Path clothingReviewsDev() {
        return require(CLOTHING_REVIEWS_DEV);
    }

    public static Path require(String relative) {
        Path file = dataDir().resolve(relative);
        if (!Files.isRegularFile(file)) {
            String message =
                    "Real data file "
                            + file.toAbsolutePath().normalize()
                            + " not found; pass -Dsegstream.data.dir=<path to shared/data>.";
            if (Boolean.getBoolean("segstream.data.required")) {
                fail(message);
            }
            Assumptions.abort("Skipping: " + message);
        }
        return file;
    }

    private static Path dataDir() {
        String configured = System.getProperty("segstream.data.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String guess : new String[] {"../shared/data", "../../shared/data"}) {
            if (Files.isDirectory(Path.of(guess))) {
                return Path.of(guess);
            }
        }
        return Path.of("../../shared/data");
    }
}
