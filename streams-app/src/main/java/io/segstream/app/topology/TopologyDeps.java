package io.segstream.app.topology;

import io.micrometer.core.instrument.MeterRegistry;
import io.segstream.core.encoder.TextEncoder;
import io.segstream.core.head.ReviewScorer;
import io.segstream.schemas.EncoderInfo;
import java.util.function.LongSupplier;

/**
 * What the topology needs besides its config: the (shared, thread-safe) text encoder and its
 * identity, the review scorer, where to publish metrics, and the wall clock used to reject events
 * from the future.
 */
public record TopologyDeps(
        TextEncoder encoder,
        EncoderInfo encoderInfo,
        ReviewScorer reviews,
        MeterRegistry registry,
        LongSupplier wallClock) {

    /** Reviews judged by their star rating only. */
    public TopologyDeps(
            TextEncoder encoder,
            EncoderInfo encoderInfo,
            MeterRegistry registry,
            LongSupplier wallClock) {
        this(encoder, encoderInfo, ReviewScorer.ratingsOnly(), registry, wallClock);
    }
}
