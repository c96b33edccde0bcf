package io.segstream.app.serde;

import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.DeletionRequest;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.ReviewEvent;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serde of the internal by-user repartition topic, which carries clicks, orders, reviews and
 * deletion requests in one stream so that each user's events reach one task in order. A one-byte
 * tag names the type; the rest is the record's single-object encoding.
 */
public final class UserEventSerde implements Serde<SpecificRecord> {

    private static final byte CLICK = 1;
    private static final byte ORDER = 2;
    private static final byte DELETION = 3;
    private static final byte REVIEW = 4;

    private final AvroCodec<ClickEvent> clicks = AvroCodec.of(ClickEvent.class);
    private final AvroCodec<OrderEvent> orders = AvroCodec.of(OrderEvent.class);
    private final AvroCodec<DeletionRequest> deletions = AvroCodec.of(DeletionRequest.class);
    private final AvroCodec<ReviewEvent> reviews = AvroCodec.of(ReviewEvent.class);

    @Override
    public Serializer<SpecificRecord> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            byte tag;
            byte[] body;
            if (value instanceof ClickEvent c) {
                tag = CLICK;
                body = clicks.encode(c);
            } else if (value instanceof OrderEvent o) {
                tag = ORDER;
                body = orders.encode(o);
            } else if (value instanceof DeletionRequest d) {
                tag = DELETION;
                body = deletions.encode(d);
            } else if (value instanceof ReviewEvent r) {
                tag = REVIEW;
                body = reviews.encode(r);
            } else {
                throw new IllegalArgumentException(
                        "Not a user event: " + value.getClass().getName());
            }
            byte[] out = new byte[body.length + 1];
            out[0] = tag;
            System.arraycopy(body, 0, out, 1, body.length);
            return out;
        };
    }

    @Override
    public Deserializer<SpecificRecord> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null || bytes.length == 0) {
                return null;
            }
            byte[] body = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
            return switch (bytes[0]) {
                case CLICK -> clicks.decode(body);
                case ORDER -> orders.decode(body);
                case DELETION -> deletions.decode(body);
                case REVIEW -> reviews.decode(body);
                default -> throw new IllegalArgumentException("Unknown user event tag " + bytes[0]);
            };
        };
    }
}
