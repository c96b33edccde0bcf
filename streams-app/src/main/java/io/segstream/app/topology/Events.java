package io.segstream.app.topology;

import io.segstream.app.errors.InvalidEventException;
import io.segstream.app.errors.InvalidEventException.Reason;
import io.segstream.core.profile.EventKind;
import io.segstream.core.profile.ProfileEvent;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Validates input events and turns them into {@link ProfileEvent}s. */
final class Events {

    private final int maxTextChars;
    private final long maxFutureMs;
    private final java.util.function.LongSupplier wallClock;

    Events(int maxTextChars, long maxFutureMs, java.util.function.LongSupplier wallClock) {
        this.maxTextChars = maxTextChars;
        this.maxFutureMs = maxFutureMs;
        this.wallClock = wallClock;
    }

    /**
     * The user the event belongs to, after checking the event; throws when it must be
     * dead-lettered.
     */
    String validate(SpecificRecord event) {
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
        if (event instanceof DeletionRequest d) {
            return userId(d.getUserId());
        }
        throw new InvalidEventException(
                Reason.UNDECODABLE, "Unexpected record type " + event.getClass().getName());
    }

    private static String userId(String id) {
        if (id == null || id.isBlank()) {
            throw new InvalidEventException(Reason.MISSING_USER_ID, "Event has no user id");
        }
        return id.trim();
    }

    private static void checkPrice(Double price) {
        if (price != null && (!Double.isFinite(price) || price < 0)) {
            throw new InvalidEventException(
                    Reason.INVALID_PRICE,
                    "Price " + price + " is not a finite, non-negative number");
        }
    }

    private void checkTime(long eventTime) {
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

    static ProfileEvent toProfileEvent(ClickEvent c) {
        EventKind kind =
                switch (c.getEventType()) {
                    case VIEW -> EventKind.VIEW;
                    case SEARCH -> EventKind.SEARCH;
                    case ADD_TO_CART -> EventKind.ADD_TO_CART;
                    case REMOVE_FROM_CART -> EventKind.REMOVE_FROM_CART;
                };
        String text = kind == EventKind.SEARCH ? c.getQueryText() : c.getTitle();
        return new ProfileEvent(
                kind,
                c.getEventTime().toEpochMilli(),
                c.getSessionId(),
                c.getCategory() == null ? List.of() : List.of(c.getCategory()),
                c.getPrice() == null ? Double.NaN : c.getPrice(),
                0,
                text == null || text.isBlank() ? List.of() : List.of(text));
    }

    static ProfileEvent toProfileEvent(OrderEvent o) {
        EventKind kind =
                switch (o.getStatus()) {
                    case PLACED -> EventKind.ORDER;
                    case CANCELLED -> EventKind.CANCEL;
                    case RETURNED -> EventKind.RETURN;
                };
        double amount = 0;
        double priceSum = 0;
        int priced = 0;
        List<String> categories = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (OrderLine line : o.getLines()) {
            amount += Math.abs(line.getQuantity()) * line.getUnitPrice();
            if (line.getUnitPrice() > 0) {
                priceSum += line.getUnitPrice();
                priced++;
            }
            if (line.getCategory() != null && !categories.contains(line.getCategory())) {
                categories.add(line.getCategory());
            }
            if (line.getTitle() != null && !line.getTitle().isBlank()) {
                titles.add(line.getTitle());
            }
        }
        return new ProfileEvent(
                kind,
                o.getEventTime().toEpochMilli(),
                null,
                categories,
                priced == 0 ? Double.NaN : priceSum / priced,
                amount,
                titles);
    }
}
