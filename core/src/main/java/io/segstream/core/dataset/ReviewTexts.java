package io.segstream.core.dataset;

import io.segstream.core.dataset.ClothingReviews.Review;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What generated shoppers write in their reviews: real reviews of the clothing data set where the
 * file is at hand (happy ones rated 4 or 5 and recommended, unhappy ones rated 1 or 2), else a
 * built-in handful. Each text keeps its title.
 */
public final class ReviewTexts {

    /** A review's words. */
    public record Text(String title, String body) {}

    private static final List<Text> HAPPY =
            List.of(
                    new Text(
                            "Love it",
                            "Exactly as described and beautifully made. Would buy again."),
                    new Text(
                            "Great value",
                            "Good quality for the price, arrived quickly and well packed."),
                    new Text("Perfect gift", "Bought it as a present and it went down a treat."),
                    new Text("Very pleased", "Sturdy, looks lovely and does the job perfectly."),
                    new Text(
                            "Five stars",
                            "Better than I expected. The colour is just like the photos."),
                    new Text(
                            "Recommended",
                            "Second time I have ordered this, still excellent quality."));

    private static final List<Text> UNHAPPY =
            List.of(
                    new Text(
                            "Very disappointed",
                            "Broke after a week. Cheap materials, not worth the money."),
                    new Text(
                            "Returned it",
                            "Looks nothing like the picture and feels flimsy. Sent it back."),
                    new Text(
                            "Poor quality",
                            "Arrived scratched and one part was missing. Customer service never replied."),
                    new Text(
                            "Not again", "Took three weeks to arrive and fell apart on first use."),
                    new Text(
                            "Waste of money",
                            "Badly made, the paint is peeling already. I will not order here again."),
                    new Text(
                            "Awful",
                            "Wrong size, wrong colour, and the refund is still not through."));

    private final List<Text> happy;
    private final List<Text> unhappy;
    private final String source;

    private ReviewTexts(List<Text> happy, List<Text> unhappy, String source) {
        this.happy = happy;
        this.unhappy = unhappy;
        this.source = source;
    }

    public static ReviewTexts builtIn() {
        return new ReviewTexts(HAPPY, UNHAPPY, "built-in texts");
    }

    /** Real review texts from the clothing reviews CSV. */
    public static ReviewTexts from(Path clothingReviews) {
        List<Review> all = ClothingReviews.read(clothingReviews).reviews();
        List<Text> happy =
                all.stream()
                        .filter(r -> r.rating() >= 4 && r.recommended())
                        .map(r -> new Text(r.title(), r.body()))
                        .toList();
        List<Text> unhappy =
                all.stream()
                        .filter(r -> r.rating() <= 2)
                        .map(r -> new Text(r.title(), r.body()))
                        .toList();
        if (happy.isEmpty() || unhappy.isEmpty()) {
            throw new IllegalArgumentException(
                    clothingReviews + " has no happy or no unhappy reviews to draw texts from");
        }
        return new ReviewTexts(
                happy,
                unhappy,
                String.format(
                        java.util.Locale.ROOT,
                        "%,d happy and %,d unhappy real reviews from %s",
                        happy.size(),
                        unhappy.size(),
                        clothingReviews.getFileName()));
    }

    public Text pick(boolean isUnhappy, SplittableRandom random) {
        List<Text> from = isUnhappy ? unhappy : happy;
        return from.get(random.nextInt(from.size()));
    }

    /** Where the texts come from, for the demo's first line. */
    public String source() {
        return source;
    }
}
