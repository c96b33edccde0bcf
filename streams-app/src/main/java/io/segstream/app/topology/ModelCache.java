package io.segstream.app.topology;

import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.SegmentModel;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The current model of the global {@code segment-model} store, decoded only when it changes.
 *
 * <p>The store keeps the encoded model under {@link #CURRENT}; an in-memory store returns the same
 * array until the entry is replaced, so an identity check per record is all it costs to notice a
 * new version.
 */
final class ModelCache {

    static final String CURRENT = "current";

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelCache.class);
    private static final AvroCodec<SegmentModel> CODEC = AvroCodec.of(SegmentModel.class);

    private final ReadOnlyKeyValueStore<String, byte[]> store;
    private final ProfileSettings settings;
    private final String encoderId;
    private final int encoderDimension;
    private byte[] lastBytes;
    private ScoringModel model;

    ModelCache(
            ReadOnlyKeyValueStore<String, byte[]> store,
            ProfileSettings settings,
            String encoderId,
            int encoderDimension) {
        this.store = store;
        this.settings = settings;
        this.encoderId = encoderId;
        this.encoderDimension = encoderDimension;
    }

    /** Returns true when the current model changed since the last call. */
    boolean refresh() {
        byte[] bytes = store.get(CURRENT);
        if (bytes == null || bytes == lastBytes) {
            return false;
        }
        lastBytes = bytes;
        try {
            model = ScoringModel.of(CODEC.decode(bytes), settings, encoderId, encoderDimension);
            return true;
        } catch (ModelCompatibilityException e) {
            // keep scoring with the model we have; a bad model must not stop the stream
            LOG.error("Refusing the new segment model: {}", e.getMessage());
            return false;
        }
    }

    /** The current model, or null before the first one is seeded. */
    ScoringModel current() {
        return model;
    }

    static SegmentModel decode(byte[] bytes) {
        return CODEC.decode(bytes);
    }

    static byte[] encode(SegmentModel model) {
        return CODEC.encode(model);
    }
}
