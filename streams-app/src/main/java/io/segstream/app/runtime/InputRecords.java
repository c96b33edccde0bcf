package io.segstream.app.runtime;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.config.Topics;
import io.segstream.app.serde.RecordFormat;
import io.segstream.core.dataset.ShopEvent;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The record a shop would write for an event: on {@code orders}, {@code reviews} or {@code clicks},
 * keyed by user, stamped with the event time, in the encoding the configuration names ({@code
 * serde.format}).
 */
public final class InputRecords {

    private final Topics topics;
    private final RecordFormat format;

    public InputRecords(SegstreamConfig config) {
        this.topics = config.topics();
        this.format = RecordFormat.of(config);
    }

    public ProducerRecord<String, byte[]> of(ShopEvent e) {
        String topic =
                e.isOrder() ? topics.orders() : e.isReview() ? topics.reviews() : topics.clicks();
        return new ProducerRecord<>(
                topic, null, e.time(), e.userId(), format.encode(topic, e.event()));
    }
}
