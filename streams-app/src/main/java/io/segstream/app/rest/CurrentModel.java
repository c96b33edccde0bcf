package io.segstream.app.rest;

import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.Centroid;
import io.segstream.schemas.SegmentModel;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The model of the global model store's {@code current} key, decoded once per stored version.
 * Decoding a model through Avro (every centroid and the feature scaling as boxed floats) was about
 * 80 % of a lookup's CPU when each answer decoded it for its segment's name (issue 10). Callers
 * still read the stored bytes on every request and hand them here, so that no answer names a
 * segment after a model that has since been replaced.
 */
final class CurrentModel {

    private static final AvroCodec<SegmentModel> CODEC = AvroCodec.of(SegmentModel.class);

    /** A decoded model and its segments' names; the model is shared, never to be modified. */
    record Decoded(SegmentModel model, Map<Integer, String> names) {

        /** The segment's name, or {@code segment N} when the model gives it none. */
        String name(int segment) {
            String name = names.get(segment);
            return name == null ? "segment " + segment : name;
        }
    }

    /**
     * {@code source}: the array last handed in. The in-memory model store hands out the array it
     * holds, so while the model stays the same each request is answered by an identity check, not a
     * byte-by-byte comparison of the whole serialised model per lookup.
     */
    private record Cached(byte[] source, byte[] bytes, Decoded decoded) {}

    private volatile Cached cached;

    /** The decoding of {@code bytes}: the previous one while the bytes are equal to its own. */
    Decoded of(byte[] bytes) {
        Cached c = cached;
        if (c != null && (c.source() == bytes || Arrays.equals(c.bytes(), bytes))) {
            if (c.source() != bytes) {
                cached = new Cached(bytes, c.bytes(), c.decoded());
            }
            return c.decoded();
        }
        SegmentModel model = CODEC.decode(bytes);
        Map<Integer, String> names = new HashMap<>();
        for (Centroid centroid : model.getCentroids()) {
            if (centroid.getName() != null) {
                names.put(centroid.getSegmentId(), centroid.getName());
            }
        }
        Decoded decoded = new Decoded(model, Map.copyOf(names));
        cached = new Cached(bytes, bytes.clone(), decoded);
        return decoded;
    }
}
