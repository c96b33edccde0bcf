package io.segstream.core.profile;

import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps the Avro input events to {@link ProfileEvent}s: the one mapping the streaming app and the
 * trainer share, so that both build identical profiles from the same events.
 */
public final class ProfileEvents {

    private ProfileEvents() {}

    public static ProfileEvent of(ClickEvent c) {
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

    public static ProfileEvent of(OrderEvent o) {
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
