package io.segstream.core.clustering;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * The outcome of assigning one user's feature vector to a segment, with what it replaced, so a
 * change event can carry previous and new segment and both distances.
 *
 * <p>{@code changed} is true exactly when there was no previous segment or it differs from the new
 * one; the constructor checks this, so a consumer can trust either form.
 *
 * @param segmentId the segment the user is in after this assignment
 * @param distance Euclidean distance from the vector to that segment's centroid
 * @param previousSegment the segment the user was in before, empty on a first assignment
 * @param previousDistance distance to the previous segment's centroid; {@code NaN} when there is no
 *     previous segment or its centroid no longer exists in the model
 * @param changed whether the user moved (a first assignment counts as a move)
 */
public record Assignment(
        int segmentId,
        double distance,
        OptionalInt previousSegment,
        double previousDistance,
        boolean changed) {

    public Assignment {
        Objects.requireNonNull(previousSegment, "previousSegment");
        if (!(distance >= 0) || Double.isInfinite(distance)) {
            throw new IllegalArgumentException("distance must be finite and >= 0, was " + distance);
        }
        if (previousSegment.isEmpty() && !Double.isNaN(previousDistance)) {
            throw new IllegalArgumentException(
                    "previousDistance must be NaN without a previous segment, was "
                            + previousDistance);
        }
        boolean moved = previousSegment.isEmpty() || previousSegment.getAsInt() != segmentId;
        if (changed != moved) {
            throw new IllegalArgumentException(
                    "changed="
                            + changed
                            + " contradicts previousSegment="
                            + previousSegment
                            + " and segmentId="
                            + segmentId);
        }
    }
}
