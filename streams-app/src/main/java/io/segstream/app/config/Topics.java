package io.segstream.app.config;

/** Names of every topic, from one prefix. */
public record Topics(String prefix) {

    public String clicks() {
        return prefix + "clicks";
    }

    public String orders() {
        return prefix + "orders";
    }

    /** What customers write about products: scored by the review head into their profiles. */
    public String reviews() {
        return prefix + "reviews";
    }

    /** A shopper crossed into "at risk" by their reviews. */
    public String reviewAlerts() {
        return prefix + "review-alerts";
    }

    public String deletions() {
        return prefix + "deletions";
    }

    public String segments() {
        return prefix + "segments";
    }

    /** JSON mirror of {@link #segments()} for ksqlDB and other tools without Avro. */
    public String segmentsJson() {
        return prefix + "segments-json";
    }

    public String segmentChanges() {
        return prefix + "segment-changes";
    }

    public String segmentModel() {
        return prefix + "segment-model";
    }

    public String centroidDeltas() {
        return prefix + "centroid-deltas";
    }

    /** Review heads by name (compacted): every version train-head publishes. */
    public String heads() {
        return prefix + "heads";
    }

    public String dlq() {
        return prefix + "dlq";
    }
}
