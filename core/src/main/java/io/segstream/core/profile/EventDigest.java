package io.segstream.core.profile;

import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.ReviewEvent;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;

/**
 * A 64-bit fingerprint of an input event's identity, summed into each profile so that a verifier
 * (the reliability suite) can prove from the input alone that every event was applied once: the
 * same events in any order give the same sum, and a lost or a double-applied event changes it.
 *
 * <p>Identity, not content: a click's {@code eventId} when it has one, else its user, time, type,
 * product and query; an order's id, status and time (a return reuses the order's id); a review's
 * id.
 */
public final class EventDigest {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private EventDigest() {}

    public static long of(SpecificRecord event) {
        String identity;
        if (event instanceof ClickEvent c) {
            identity =
                    c.getEventId() != null
                            ? "c|" + c.getEventId()
                            : "c|"
                                    + c.getUserId()
                                    + '|'
                                    + c.getEventTime().toEpochMilli()
                                    + '|'
                                    + c.getEventType()
                                    + '|'
                                    + c.getProductId()
                                    + '|'
                                    + c.getQueryText();
        } else if (event instanceof OrderEvent o) {
            identity =
                    "o|"
                            + o.getOrderId()
                            + '|'
                            + o.getStatus()
                            + '|'
                            + o.getEventTime().toEpochMilli();
        } else if (event instanceof ReviewEvent r) {
            identity = "r|" + r.getReviewId();
        } else {
            throw new IllegalArgumentException(
                    "Not a profile event: " + event.getSchema().getFullName());
        }
        return fnv1a(identity);
    }

    /** FNV-1a over the UTF-8 bytes, then a finalising mix so that sums of close ids spread. */
    static long fnv1a(String s) {
        long h = FNV_OFFSET;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
