package io.segstream.app.topology;

import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.OrderEvent;
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
        } else if (v instanceof DeletionRequest d) {
            t = d.getRequestTime().toEpochMilli();
        }
        if (t >= 0 && events.acceptsTime(t)) {
            return t;
        }
        // a time the validation refuses (1970, 2100) would move the task's stream time, and with it
        // every stream-time punctuation and the sweep's clock, before the record is dead-lettered
        if (t < 0 && record.timestamp() >= 0) {
            return record.timestamp();
        }
        return Math.max(0, partitionTime);
    }
}
