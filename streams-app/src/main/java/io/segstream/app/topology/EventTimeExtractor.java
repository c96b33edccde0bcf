package io.segstream.app.topology;

import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.ReviewEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time everywhere: a record's timestamp is the time the customer acted, so that a replay of
 * last year's events gives the profiles of living through it, and stream-time punctuation (the
 * delta flushes) follows event time.
 */
final class EventTimeExtractor implements TimestampExtractor {

    private final Events events;

    EventTimeExtractor(Events events) {
        this.events = events;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        Object v = record.value();
        long t = -1;
        if (v instanceof ClickEvent c) {
            t = c.getEventTime().toEpochMilli();
        } else if (v instanceof OrderEvent o) {
            t = o.getEventTime().toEpochMilli();
        } else if (v instanceof ReviewEvent r) {
            t = r.getEventTime().toEpochMilli();
        } else if (v instanceof DeletionRequest d) {
            t = d.getRequestTime().toEpochMilli();
        }
        if (t >= 0 && events.accepts((SpecificRecord) v)) {
            return t;
        }
        // a record bound for the dead-letter topic keeps the partition's time. Its own (a refused
        // 2100, the producer's clock on a null value, a plausible time on an order with a NaN
        // price) would move the task's stream time and reorder the time-ordered merge of a user's
        // clicks and orders behind it
        return Math.max(0, partitionTime);
    }
}
