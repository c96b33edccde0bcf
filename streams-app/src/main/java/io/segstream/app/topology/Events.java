package io.segstream.app.topology;

import io.segstream.app.errors.InjectedFatalException;
import io.segstream.app.errors.InvalidEventException;
import io.segstream.app.errors.InvalidEventException.Reason;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.ReviewEvent;
import org.apache.avro.specific.SpecificRecord;

/** Validates input events: what is refused goes to the dead-letter topic with a reason. */
final class Events {

    /** The {@code validation.*} settings. */
    record Limits(
            int maxTextChars,
            long maxFutureMs,
            long minEventTimeMs,
            double maxPrice,
            int maxOrderLines) {}

    private final int maxTextChars;
    private final long maxFutureMs;
    private final long minEventTimeMs;
    private final double maxPrice;
    private final int maxOrderLines;
    private final java.util.function.LongSupplier wallClock;
    private final String fatalUser;

    /**
     * {@code fatalUser}, when not empty, is the fault-injection tests' user whose events raise an
     * {@link InjectedFatalException} (see {@code fault.injection.fatal.user}).
     */
    Events(Limits limits, java.util.function.LongSupplier wallClock, String fatalUser) {
        this.maxTextChars = limits.maxTextChars();
        this.maxFutureMs = limits.maxFutureMs();
        this.minEventTimeMs = limits.minEventTimeMs();
        this.maxPrice = limits.maxPrice();
        this.maxOrderLines = limits.maxOrderLines();
        this.wallClock = wallClock;
        this.fatalUser = fatalUser == null ? "" : fatalUser;
    }

    /**
     * The user the event belongs to, after checking the event; throws when it must be
     * dead-lettered.
     */
    String validate(SpecificRecord event) {
        String user = check(event);
        if (!fatalUser.isEmpty() && fatalUser.equals(user)) {
            throw new InjectedFatalException(user);
        }
        return user;
    }

    /** Whether {@link #validate} passes {@code event} rather than dead-letter it. */
    boolean accepts(SpecificRecord event) {
        try {
            check(event);
            return true;
        } catch (InvalidEventException e) {
            return false;
        }
    }

    private String check(SpecificRecord event) {
        if (event == null) {
            throw new InvalidEventException(Reason.UNDECODABLE, "Empty record (null value)");
        }
        if (event instanceof ClickEvent c) {
            checkTime(c.getEventTime().toEpochMilli());
            checkPrice(c.getPrice());
            checkText("title", c.getTitle());
            checkText("query", c.getQueryText());
            checkText("category", c.getCategory());
            return userId(c.getUserId());
        }
        if (event instanceof OrderEvent o) {
            checkTime(o.getEventTime().toEpochMilli());
            if (o.getLines().size() > maxOrderLines) {
                throw new InvalidEventException(
                        Reason.TOO_MANY_LINES,
                        "Order "
                                + o.getOrderId()
                                + " has "
                                + o.getLines().size()
                                + " lines, over the limit of "
                                + maxOrderLines);
            }
            for (OrderLine line : o.getLines()) {
                checkPrice(line.getUnitPrice());
                if (line.getQuantity() == 0) {
                    throw new InvalidEventException(
                            Reason.INVALID_QUANTITY,
                            "Order "
                                    + o.getOrderId()
                                    + " line "
                                    + line.getProductId()
                                    + " has quantity 0");
                }
                checkText("title", line.getTitle());
                checkText("category", line.getCategory());
            }
            return userId(o.getUserId());
        }
        if (event instanceof ReviewEvent r) {
            checkTime(r.getEventTime().toEpochMilli());
            checkText("title", r.getTitle());
            checkText("text", r.getText());
            if (r.getRating() != null && (r.getRating() < 1 || r.getRating() > 5)) {
                throw new InvalidEventException(
                        Reason.INVALID_REVIEW,
                        "Review "
                                + r.getReviewId()
                                + " has rating "
                                + r.getRating()
                                + ", not 1 to 5");
            }
            if (r.getText().isBlank() && (r.getTitle() == null || r.getTitle().isBlank())) {
                throw new InvalidEventException(
                        Reason.INVALID_REVIEW, "Review " + r.getReviewId() + " has no text");
            }
            return userId(r.getUserId());
        }
        if (event instanceof DeletionRequest d) {
            return userId(d.getUserId());
        }
        throw new InvalidEventException(
                Reason.UNDECODABLE, "Unexpected record type " + event.getClass().getName());
    }

    /**
     * Checks an event of a topic keyed by user id: its key must be its user id, or the event would
     * be applied on another task than the user's other events.
     */
    SpecificRecord validateKeyed(String key, SpecificRecord event) {
        String user = validate(event);
        if (!user.equals(key)) {
            throw new InvalidEventException(
                    Reason.KEY_NOT_USER_ID,
                    "Record key '"
                            + key
                            + "' is not the event's user id '"
                            + user
                            + "' (input.keyed.by.user=true)");
        }
        return event;
    }

    private String userId(String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidEventException(Reason.MISSING_USER_ID, "Event has no user id");
        }
        return id.trim();
    }

    private void checkPrice(Double price) {
        if (price != null && (!Double.isFinite(price) || price < 0)) {
            throw new InvalidEventException(
                    Reason.INVALID_PRICE,
                    "Price " + price + " is not a finite, non-negative number");
        }
        if (price != null && price > maxPrice) {
            throw new InvalidEventException(
                    Reason.INVALID_PRICE, "Price " + price + " is over the limit of " + maxPrice);
        }
    }

    private void checkTime(long eventTime) {
        if (eventTime < minEventTimeMs) {
            throw new InvalidEventException(
                    Reason.PAST_EVENT_TIME,
                    "Event time "
                            + java.time.Instant.ofEpochMilli(eventTime)
                            + " is before "
                            + java.time.Instant.ofEpochMilli(minEventTimeMs)
                            + " (validation.min.event.time.ms)");
        }
        long limit = wallClock.getAsLong() + maxFutureMs;
        if (eventTime > limit) {
            throw new InvalidEventException(
                    Reason.FUTURE_EVENT_TIME,
                    "Event time "
                            + java.time.Instant.ofEpochMilli(eventTime)
                            + " is more than "
                            + maxFutureMs
                            + " ms in the future");
        }
    }

    private void checkText(String field, String text) {
        if (text != null && text.length() > maxTextChars) {
            throw new InvalidEventException(
                    Reason.TEXT_TOO_LONG,
                    field
                            + " has "
                            + text.length()
                            + " characters, over the limit of "
                            + maxTextChars);
        }
    }
}
