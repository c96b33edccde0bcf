package io.segstream.core.dataset;

import java.util.Locale;
import java.util.Map;

/**
 * The shopper types planted by {@link ShopperSimulator}: each buys from its own mix of catalog
 * categories and behaves in its own way, so a good segmentation recovers them.
 *
 * @param label readable name for tables and reports
 * @param sessions mean number of storefront sessions over the simulated window
 * @param timing when in the window the persona is active
 * @param categories preferred catalog categories, with weights
 * @param views mean product views per session, after the first
 * @param searchChance chance that a session starts with a search
 * @param cartChance chance that a viewed product goes into the cart
 * @param orderChance chance that a session with a full cart ends in an order
 * @param maxQuantity most units of one product in an order
 * @param returnChance chance that an order is returned later
 * @param reviewChance chance that an order is reviewed a few days later (where reviews are
 *     generated)
 * @param unhappyChance chance that such a review is unhappy (1 or 2 stars)
 */
public enum Persona {
    BARGAIN_HUNTER(
            "bargain hunters",
            9,
            Timing.STEADY,
            Map.of("Kitchen Basics", 0.5, "Cleaning & Storage", 0.5),
            2.0,
            0.9,
            0.4,
            0.75,
            6,
            0.03,
            0.15,
            0.15),
    LOYAL_HIGH_SPENDER(
            "loyal high spenders",
            6,
            Timing.STEADY,
            Map.of(
                    "Fine Jewellery & Watches", 0.4,
                    "Designer Fashion", 0.35,
                    "Premium Electronics", 0.25),
            1.0,
            0.1,
            0.6,
            0.95,
            2,
            0.05,
            0.3,
            0.05),
    WINDOW_SHOPPER(
            "window shoppers",
            5,
            Timing.STEADY,
            Map.of(
                    "Premium Electronics",
                    0.5,
                    "Designer Fashion",
                    0.3,
                    "Fine Jewellery & Watches",
                    0.2),
            4.0,
            0.3,
            0.12,
            0.0,
            1,
            0.0,
            0.0,
            0.0),
    SEASONAL_GIFT_BUYER(
            "seasonal gift buyers",
            4,
            Timing.LATE,
            Map.of(
                    "Toys & Games",
                    0.35,
                    "Christmas Decorations",
                    0.35,
                    "Gift Sets & Wrapping",
                    0.3),
            2.0,
            0.5,
            0.45,
            0.85,
            4,
            0.08,
            0.1,
            0.1),
    LAPSING_CUSTOMER(
            "lapsing customers",
            5,
            Timing.EARLY,
            Map.of("Garden & Outdoor", 0.8, "Kitchen Basics", 0.2),
            1.5,
            0.3,
            0.4,
            0.8,
            3,
            0.15,
            // they leave, and say why first: most of their reviews are unhappy
            0.5,
            0.8);

    /** When a persona is active in the simulated window. */
    public enum Timing {
        /** Sessions spread over the whole window. */
        STEADY,
        /** Browses now and then; buys in the last quarter of the window (the gift season). */
        LATE,
        /** Buys in the first third; afterwards only comes back to look. */
        EARLY
    }

    private final String label;
    final double sessions;
    final Timing timing;
    final Map<String, Double> categories;
    final double views;
    final double searchChance;
    final double cartChance;
    final double orderChance;
    final int maxQuantity;
    final double returnChance;
    final double reviewChance;
    final double unhappyChance;

    Persona(
            String label,
            double sessions,
            Timing timing,
            Map<String, Double> categories,
            double views,
            double searchChance,
            double cartChance,
            double orderChance,
            int maxQuantity,
            double returnChance,
            double reviewChance,
            double unhappyChance) {
        this.label = label;
        this.sessions = sessions;
        this.timing = timing;
        this.categories = categories;
        this.views = views;
        this.searchChance = searchChance;
        this.cartChance = cartChance;
        this.orderChance = orderChance;
        this.maxQuantity = maxQuantity;
        this.returnChance = returnChance;
        this.reviewChance = reviewChance;
        this.unhappyChance = unhappyChance;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
