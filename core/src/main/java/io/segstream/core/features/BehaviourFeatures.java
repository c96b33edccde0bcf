package io.segstream.core.features;

import io.segstream.core.profile.ProfileSettings;
import io.segstream.core.profile.UserProfile;
import java.util.List;

/**
 * The behavioural features of a profile read at a point in event time: RFM, engagement, conversion,
 * sessions, price level and what the customer's reviews say, log-transformed where counts and money
 * are heavy-tailed.
 */
public final class BehaviourFeatures {

    public static final List<String> NAMES =
            List.of(
                    "recency_months_log",
                    "orders_log",
                    "spend_log",
                    "avg_order_value_log",
                    "views_log",
                    "searches_log",
                    "carts_log",
                    "return_rate",
                    "cart_conversion",
                    "events_per_session_log",
                    "mean_log_price",
                    "tenure_days_log",
                    "negative_reviews_log",
                    "review_negativity");

    /**
     * The smallest standardisation scale of each feature: its unit of a meaningful difference. Log
     * features: 0.5 (a factor of 1.65); shares in [0, 1]: 0.1.
     */
    static final double[] MIN_SCALES = {
        0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.1, 0.1, 0.25, 0.5, 0.5, 0.25, 0.1
    };

    /**
     * Recency is counted in months before the log: a customer who ordered yesterday and one who
     * ordered three weeks ago are both recent, while one month against twelve is what separates
     * segments. In days, a customer ordering every few weeks swung through half the feature's range
     * at each purchase cycle and crossed between segments each time (docs/decisions.md).
     */
    static final double RECENCY_UNIT_DAYS = 30;

    /** A customer who never ordered is treated as last ordering a year before first being seen. */
    static final double NEVER_ORDERED_EXTRA_DAYS = 365;

    private static final double DAY = 86_400_000.0;

    private BehaviourFeatures() {}

    /** The {@code recency_months_log} value of a last order {@code days} ago. */
    public static double recency(double days) {
        return Math.log1p(Math.max(0, days) / RECENCY_UNIT_DAYS);
    }

    /** The days since the last order that a {@code recency_months_log} value stands for. */
    public static double recencyDays(double recency) {
        return Math.expm1(recency) * RECENCY_UNIT_DAYS;
    }

    /**
     * Raw (unscaled) behavioural features of {@code p} as of event time {@code asOf}; NaN =
     * unknown.
     */
    public static double[] of(UserProfile p, long asOf, ProfileSettings settings) {
        long now = Math.max(asOf, p.lastEventTime());
        double a = settings.decay(now - p.lastEventTime());
        double orders = p.orders() * a;
        double spend = p.spend() * a;
        double recencyDays =
                p.lastOrderTime() == UserProfile.NEVER
                        ? (now - p.firstEventTime()) / DAY + NEVER_ORDERED_EXTRA_DAYS
                        : (now - p.lastOrderTime()) / DAY;
        double sessions = p.sessions();
        return new double[] {
            recency(recencyDays),
            Math.log1p(orders),
            Math.log1p(spend),
            Math.log1p(orders > 1e-9 ? spend / orders : 0),
            Math.log1p(p.views() * a),
            Math.log1p(p.searches() * a),
            Math.log1p(p.carts() * a),
            (p.returns() + p.cancels()) / (p.orders() + 1.0),
            p.orders() / (p.carts() + p.orders() + 1.0),
            Math.log1p(sessions > 1e-9 ? p.sessionEvents() / sessions : 0),
            p.meanLogPrice(),
            Math.log1p(Math.max(0, (now - p.firstEventTime()) / DAY)),
            Math.log1p(p.negativeReviews() * a),
            p.meanReviewNegativity()
        };
    }
}
