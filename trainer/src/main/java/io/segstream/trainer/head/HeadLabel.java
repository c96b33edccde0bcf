package io.segstream.trainer.head;

import io.segstream.core.dataset.ClothingReviews.Review;
import java.util.Locale;
import java.util.function.Predicate;

/** What a review head learns to recognise in the clothing reviews. */
public enum HeadLabel {
    NOT_RECOMMENDED("not-recommended", "Recommended IND = 0", r -> !r.recommended()),
    NEGATIVE("negative", "Rating <= 2", r -> r.rating() <= 2);

    private final String id;
    private final String definition;
    private final Predicate<Review> positive;

    HeadLabel(String id, String definition, Predicate<Review> positive) {
        this.id = id;
        this.definition = definition;
        this.positive = positive;
    }

    public String id() {
        return id;
    }

    public String definition() {
        return definition;
    }

    public boolean test(Review review) {
        return positive.test(review);
    }

    public static HeadLabel fromId(String id) {
        for (HeadLabel l : values()) {
            if (l.id.equals(id.toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new IllegalArgumentException(
                "Unknown label '" + id + "'. Known: not-recommended, negative");
    }
}
