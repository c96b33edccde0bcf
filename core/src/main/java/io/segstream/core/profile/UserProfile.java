package io.segstream.core.profile;

import java.util.Arrays;

/**
 * What segstream knows about one customer: decayed activity counts, recency, spend, sessions,
 * category and price affinity, a text-interest vector, and the customer's current segment.
 *
 * <p>Mutable on purpose: it is the value of a state store, read, updated in place by {@link
 * ProfileUpdater} once per event and written back, on the hot path of every record. Every decayed
 * quantity refers to {@link #lastEventTime()}: reading it at a later time means multiplying by
 * {@link ProfileSettings#decay}. Encoded compactly by {@link ProfileCodec}.
 */
public final class UserProfile {

    public static final long NEVER = Long.MIN_VALUE;
    public static final int NO_SEGMENT = -1;

    long firstEventTime = NEVER;
    long lastEventTime = NEVER;
    long lastOrderTime = NEVER;

    /**
     * Events applied, and the sum of their {@link EventDigest}s: what a verifier compares with the
     * input to prove that every event was applied exactly once (a lost event and a replayed one
     * would cancel out in a count, not in the sum of digests).
     */
    long eventCount;

    long eventDigest;

    float views;
    float searches;
    float carts;
    float removes;
    float orders;
    float cancels;
    float returns;
    float spend;
    float logPriceSum;
    float priceWeight;

    float sessions;
    float sessionEvents;
    float sessionMillis;
    long sessionStart = NEVER;
    long lastClickTime = NEVER;
    int sessionHash;

    String[] categories = new String[0];
    float[] categoryWeights = new float[0];

    /** Weighted moving average of the embeddings of what the customer viewed, searched, bought. */
    float[] text = new float[0];

    float textWeight;

    /**
     * Reviews the customer wrote (decayed), those a head or a rating scored, the decayed sum of
     * their negativity (the head's probability of the unhappy class, in [0, 1]) and how many were
     * judged negative.
     */
    float reviews;

    float scoredReviews;
    float reviewNegativity;
    float negativeReviews;

    /**
     * At risk by review: set when the decayed count of unhappy reviews reaches the at-risk level,
     * cleared at a later review that finds it decayed below half of it, so that the count's decay
     * between two unhappy reviews does not make every one of them a new crossing.
     */
    boolean reviewAtRisk;

    int segment = NO_SEGMENT;
    long modelVersion = -1;
    float segmentDistance = Float.NaN;

    public long firstEventTime() {
        return firstEventTime;
    }

    public long lastEventTime() {
        return lastEventTime;
    }

    public long eventCount() {
        return eventCount;
    }

    public long eventDigest() {
        return eventDigest;
    }

    /** Counts one applied event with the given {@link EventDigest}. */
    public void countEvent(long digest) {
        eventCount++;
        eventDigest += digest;
    }

    public long lastOrderTime() {
        return lastOrderTime;
    }

    public float views() {
        return views;
    }

    public float searches() {
        return searches;
    }

    public float carts() {
        return carts;
    }

    public float removes() {
        return removes;
    }

    public float orders() {
        return orders;
    }

    public float cancels() {
        return cancels;
    }

    public float returns() {
        return returns;
    }

    public float spend() {
        return spend;
    }

    /**
     * Decayed mean of log(unit price) over the products the customer looked at or bought; NaN if
     * none.
     */
    public double meanLogPrice() {
        return priceWeight > 0 ? logPriceSum / priceWeight : Double.NaN;
    }

    public float sessions() {
        return sessions;
    }

    public float sessionEvents() {
        return sessionEvents;
    }

    public float sessionMillis() {
        return sessionMillis;
    }

    public String[] categories() {
        return categories.clone();
    }

    public float[] categoryWeights() {
        return categoryWeights.clone();
    }

    public float[] text() {
        return text.clone();
    }

    public float textWeight() {
        return textWeight;
    }

    public float reviews() {
        return reviews;
    }

    public float negativeReviews() {
        return negativeReviews;
    }

    public boolean reviewAtRisk() {
        return reviewAtRisk;
    }

    /** Records whether the customer is at risk by review. */
    public void reviewAtRisk(boolean atRisk) {
        this.reviewAtRisk = atRisk;
    }

    /** Decayed mean negativity of the customer's scored reviews, in [0, 1]; NaN if none. */
    public double meanReviewNegativity() {
        return scoredReviews > 0 ? reviewNegativity / scoredReviews : Double.NaN;
    }

    public int segment() {
        return segment;
    }

    public long modelVersion() {
        return modelVersion;
    }

    public float segmentDistance() {
        return segmentDistance;
    }

    public boolean isEmpty() {
        return lastEventTime == NEVER;
    }

    /** Records the customer's segment under the given model version. */
    public void assign(int segmentId, long version, double distance) {
        this.segment = segmentId;
        this.modelVersion = version;
        this.segmentDistance = (float) distance;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserProfile p
                && Arrays.equals(ProfileCodec.encode(this), ProfileCodec.encode(p));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ProfileCodec.encode(this));
    }

    @Override
    public String toString() {
        return "UserProfile{orders="
                + orders
                + ", spend="
                + spend
                + ", views="
                + views
                + ", lastEventTime="
                + lastEventTime
                + ", segment="
                + segment
                + "}";
    }
}
