package io.segstream.app.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.segstream.core.clustering.Assignment;
import io.segstream.core.clustering.Cluster;
import io.segstream.core.clustering.NearestCentroid;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.SegmentAssignment;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Assigns a user to a segment of a model and, when the segment changes, emits the new assignment
 * and a change event with the features that drove it. Used on every event and by the re-score
 * sweep.
 */
final class SegmentScorer {

    /** Why a user is scored: which rule applies, and what a change is called. */
    enum Reason {
        /** A new event: hysteresis keeps the current segment within the margin. */
        EVENT,
        /** A new major model version: no margin, the old assignment means nothing under it. */
        NEW_MAJOR,
        /** Time passed without events: hysteresis, as for an event. */
        AGING
    }

    private final ProcessorContext<String, Output> context;
    private final NearestCentroid withMargin;
    private final int minEvents;
    private final SegmentSizes sizes;
    private final Map<SegmentChangeType, Counter> changes = new EnumMap<>(SegmentChangeType.class);

    /**
     * @param minEvents the events a profile must hold for its first segment ({@code
     *     assignment.min.events})
     */
    SegmentScorer(
            ProcessorContext<String, Output> context,
            double hysteresis,
            int minEvents,
            SegmentSizes sizes,
            MeterRegistry r) {
        this.context = context;
        this.minEvents = minEvents;
        this.sizes = sizes;
        this.withMargin = new NearestCentroid(hysteresis);
        // registered once: a registry lookup per change showed in the profile of a busy task
        for (SegmentChangeType type : SegmentChangeType.values()) {
            changes.put(
                    type,
                    Counter.builder("segstream.segment.changes")
                            .description("Segment change events emitted, by type")
                            .tag("type", type.name())
                            .register(r));
        }
    }

    /**
     * Whether {@code profile} is scored at all: a user with a segment always is; a new one only
     * from the profile's {@code assignment.min.events}-th event. Until then the user has no
     * segment, adds nothing to the mini-batches and is not offered to the re-fit panel.
     */
    boolean assignable(UserProfile profile) {
        return profile.segment() != UserProfile.NO_SEGMENT || profile.eventCount() >= minEvents;
    }

    /**
     * Scores {@code profile} as of {@code now}, updating its assignment; returns the user's vector
     * in model space.
     */
    double[] score(String user, UserProfile profile, ScoringModel model, long now, Reason reason) {
        double[] x = model.vectorizer().vectorize(profile, now);
        boolean known = profile.segment() != UserProfile.NO_SEGMENT;
        // under a new major the old segment id keeps its claim only when the model carried the
        // ids over from its parent (a re-fit matches new centres to the old ones): then the margin
        // holds the user, so that a re-fit finding the same structure moves nobody
        boolean idsCarriedOver = model.model().getParentVersion() != null;
        Integer current =
                known && (reason != Reason.NEW_MAJOR || idsCarriedOver) ? profile.segment() : null;
        Assignment a = withMargin.assign(x, model.clusters(), current);
        int previous = profile.segment();
        profile.assign(a.segmentId(), model.version(), a.distance());
        if (known && a.segmentId() == previous) {
            return x;
        }
        SegmentChangeType type =
                !known
                        ? SegmentChangeType.FIRST_ASSIGNMENT
                        : reason == Reason.NEW_MAJOR
                                ? SegmentChangeType.RESCORED
                                : SegmentChangeType.MOVED;
        sizes.moved(known ? previous : null, a.segmentId(), now);
        emitAssignment(user, profile, model, now);
        double previousDistance = known ? distanceTo(model, previous, x) : Double.NaN;
        SegmentChange change =
                SegmentChange.newBuilder()
                        .setUserId(user)
                        .setChangeType(type)
                        .setPreviousSegment(known ? previous : null)
                        .setNewSegment(a.segmentId())
                        .setPreviousDistance(
                                Double.isNaN(previousDistance) ? null : previousDistance)
                        .setNewDistance(a.distance())
                        .setModelVersion(model.version())
                        .setEventTime(Instant.ofEpochMilli(now))
                        .setDrivers(
                                Drivers.explain(
                                        model,
                                        x,
                                        known ? previous : null,
                                        a.segmentId(),
                                        profile,
                                        now))
                        .build();
        context.forward(new Record<>(user, new Output.Change(change), now));
        changes.get(type).increment();
        return x;
    }

    /** Tombstones the user's assignment and emits DELETED. */
    void deleted(String user, Integer previous, long modelVersion, Instant requestTime, long ts) {
        sizes.moved(previous, null, ts);
        context.forward(new Record<>(user, new Output.Assignment(null), ts));
        SegmentChange change =
                SegmentChange.newBuilder()
                        .setUserId(user)
                        .setChangeType(SegmentChangeType.DELETED)
                        .setPreviousSegment(previous)
                        .setNewSegment(null)
                        .setPreviousDistance(null)
                        .setNewDistance(null)
                        .setModelVersion(modelVersion)
                        .setEventTime(requestTime)
                        .setDrivers(List.of())
                        .build();
        context.forward(new Record<>(user, new Output.Change(change), ts));
        changes.get(SegmentChangeType.DELETED).increment();
    }

    private void emitAssignment(String user, UserProfile profile, ScoringModel model, long now) {
        SegmentAssignment assignment =
                SegmentAssignment.newBuilder()
                        .setUserId(user)
                        .setSegmentId(profile.segment())
                        .setSegmentName(model.name(profile.segment()))
                        .setDistance(profile.segmentDistance())
                        .setModelVersion(model.version())
                        .setEventTime(Instant.ofEpochMilli(now))
                        .build();
        context.forward(new Record<>(user, new Output.Assignment(assignment), now));
    }

    private static double distanceTo(ScoringModel model, int segment, double[] x) {
        for (Cluster c : model.clusters()) {
            if (c.segmentId() == segment) {
                return Math.sqrt(c.squaredDistanceTo(x));
            }
        }
        return Double.NaN;
    }
}
