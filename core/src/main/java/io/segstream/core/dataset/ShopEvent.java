package io.segstream.core.dataset;

import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.ReviewEvent;
import org.apache.avro.specific.SpecificRecord;

/**
 * One storefront event of a replay: a {@link ClickEvent}, {@link OrderEvent} or {@link
 * ReviewEvent}.
 */
public record ShopEvent(String userId, long time, SpecificRecord event) {

    public ShopEvent {
        if (!(event instanceof ClickEvent)
                && !(event instanceof OrderEvent)
                && !(event instanceof ReviewEvent)) {
            throw new IllegalArgumentException(
                    "A shop event is a click, an order or a review, not "
                            + event.getSchema().getFullName());
        }
    }

    public static ShopEvent of(OrderEvent order) {
        return new ShopEvent(order.getUserId(), order.getEventTime().toEpochMilli(), order);
    }

    public boolean isOrder() {
        return event instanceof OrderEvent;
    }

    public boolean isReview() {
        return event instanceof ReviewEvent;
    }
}
