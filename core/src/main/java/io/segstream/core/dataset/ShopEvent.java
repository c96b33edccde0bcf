package io.segstream.core.dataset;

import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import org.apache.avro.specific.SpecificRecord;

/** One storefront event of a replay: a {@link ClickEvent} or an {@link OrderEvent}. */
public record ShopEvent(String userId, long time, SpecificRecord event) {

    public ShopEvent {
        if (!(event instanceof ClickEvent) && !(event instanceof OrderEvent)) {
            throw new IllegalArgumentException(
                    "A shop event is a click or an order, not " + event.getSchema().getFullName());
        }
    }

    public static ShopEvent of(OrderEvent order) {
        return new ShopEvent(order.getUserId(), order.getEventTime().toEpochMilli(), order);
    }

    public boolean isOrder() {
        return event instanceof OrderEvent;
    }
}
