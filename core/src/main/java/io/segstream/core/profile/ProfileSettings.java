package io.segstream.core.profile;

import java.time.Duration;

/**
 * How profiles forget and group: the half-life of every decayed quantity, and the inactivity gap
 * that ends a session when the source gives no session id.
 */
public record ProfileSettings(Duration halfLife, Duration sessionGap, int topCategories) {

    public ProfileSettings {
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException(
                    "profile half-life must be positive, was " + halfLife);
        }
        if (sessionGap.isNegative() || sessionGap.isZero()) {
            throw new IllegalArgumentException("session gap must be positive, was " + sessionGap);
        }
        if (topCategories < 1 || topCategories > 16) {
            throw new IllegalArgumentException(
                    "top categories must be 1..16, was " + topCategories);
        }
    }

    /** 90-day half-life (a quarter's memory, suits retail seasonality), 30-minute sessions. */
    public static ProfileSettings defaults() {
        return new ProfileSettings(Duration.ofDays(90), Duration.ofMinutes(30), 4);
    }

    /** Factor by which a quantity shrinks over {@code elapsedMillis}: 0.5 per half-life. */
    public double decay(long elapsedMillis) {
        return elapsedMillis <= 0
                ? 1.0
                : Math.pow(0.5, (double) elapsedMillis / halfLife.toMillis());
    }
}
