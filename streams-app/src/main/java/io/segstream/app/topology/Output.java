package io.segstream.app.topology;

import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.ReviewAlert;
import io.segstream.schemas.SegmentAssignment;
import io.segstream.schemas.SegmentChange;

/** What the profile processor emits, routed by type to its topic. */
sealed interface Output {

    /** The user's latest assignment; null value = tombstone (the user was deleted). */
    record Assignment(SegmentAssignment value) implements Output {}

    record Change(SegmentChange value) implements Output {}

    record Delta(CentroidDelta value) implements Output {}

    record Alert(ReviewAlert value) implements Output {}
}
