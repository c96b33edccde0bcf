package io.segstream.app.runtime;

import io.segstream.app.config.Topics;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.OrderEvent;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The record a shop would write for an event: on {@code orders} or {@code clicks}, keyed by user,
 * stamped with the event time, in the encoding segstream reads.
 */
public final class InputRecords {

    private static final AvroCodec<OrderEvent> ORDERS = AvroCodec.of(OrderEvent.class);
    private static final AvroCodec<ClickEvent> CLICKS = AvroCodec.of(ClickEvent.class);

    private InputRecords() {}

    public static ProducerRecord<String, byte[]> of(Topics topics, ShopEvent e) {
        return e.event() instanceof OrderEvent o
                ? new ProducerRecord<>(
                        topics.orders(), null, e.time(), e.userId(), ORDERS.encode(o))
                : new ProducerRecord<>(
                        topics.clicks(),
                        null,
                        e.time(),
                        e.userId(),
                        CLICKS.encode((ClickEvent) e.event()));
    }
}
