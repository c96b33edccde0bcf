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
        byte[] bytes = latest(store);
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
            // go on with the newest model we can use: versions we skipped over, or, at a start
            // after the refused model was published, the one before it
            SegmentModel usable = newestCompatible(store, settings, encoderId, encoderDimension);
            if (usable == null || (model != null && usable.getVersion() <= model.version())) {
                return false;
            }
            model = ScoringModel.of(usable, settings, encoderId, encoderDimension);
            LOG.warn("Scoring with segment model v{} instead", usable.getVersion());
            return true;
        }
    }

    /**
     * The highest-versioned model of the store that this instance can use (its encoder and
     * dimensions match), or null. Scans the store: only for when the current model is refused.
     */
    static SegmentModel newestCompatible(
            ReadOnlyKeyValueStore<String, byte[]> store,
            ProfileSettings settings,
            String encoderId,
            int encoderDimension) {
        SegmentModel best = null;
        try (var all = store.all()) {
            while (all.hasNext()) {
                var kv = all.next();
                if (kv.value == null) {
                    continue;
                }
                try {
                    SegmentModel m = CODEC.decode(kv.value);
                    if (best == null || m.getVersion() > best.getVersion()) {
                        ScoringModel.of(m, settings, encoderId, encoderDimension);
                        best = m;
                    }
                } catch (RuntimeException e) {
                    // undecodable or incompatible: not a candidate
                }
            }
        }
        return best;
    }

    /** The current model, or null before the first one is seeded. */
    ScoringModel current() {
        return model;
    }

    /**
     * The encoded current model: the {@link #CURRENT} entry, or, after the global store was
     * restored from the topic (restoration copies records without running {@link
     * ModelStoreUpdater}), the highest {@code v<version>} entry.
     */
    static byte[] latest(ReadOnlyKeyValueStore<String, byte[]> store) {
        byte[] current = store.get(CURRENT);
        if (current != null) {
            return current;
        }
        byte[] best = null;
        long bestVersion = Long.MIN_VALUE;
        try (var all = store.all()) {
            while (all.hasNext()) {
                var kv = all.next();
                if (kv.value == null) {
                    continue;
                }
                try {
                    long version = CODEC.decode(kv.value).getVersion();
                    if (version > bestVersion) {
                        bestVersion = version;
                        best = kv.value;
                    }
                } catch (RuntimeException e) {
                    // an undecodable entry is not a model
                }
            }
        }
        return best;
    }

    /**
     * The first version of the current model's run of its major version: the earliest of the
     * published (seeded, trained, rolled-back) models of that major, counting back from the current
     * model until a published model of another major. A user scored at or after this version was
     * scored under the current major and needs no re-score. Scans the store: only for when the
     * major version changes (or the processor starts).
     */
    long majorSince() {
        return majorSince(store, model.model());
    }

    /**
     * The first version of {@code current}'s run of major versions among the models in {@code
     * store}.
     */
    static long majorSince(ReadOnlyKeyValueStore<String, byte[]> store, SegmentModel current) {
        java.util.TreeMap<Long, Integer> published = new java.util.TreeMap<>();
        try (var all = store.all()) {
            while (all.hasNext()) {
                var kv = all.next();
                if (kv.value == null) {
                    continue;
                }
                try {
                    SegmentModel m = CODEC.decode(kv.value);
                    if (m.getOrigin() != io.segstream.schemas.ModelOrigin.ONLINE
                            && m.getVersion() <= current.getVersion()) {
                        published.put(m.getVersion(), m.getMajorVersion());
                    }
                } catch (RuntimeException e) {
                    // an undecodable entry is not a model
                }
            }
        }
        long since = current.getVersion();
        for (var e : published.descendingMap().entrySet()) {
            if (e.getValue() != current.getMajorVersion()) {
                break;
            }
            since = e.getKey();
        }
        return since;
    }

    static SegmentModel decode(byte[] bytes) {
        return CODEC.decode(bytes);
    }

    static byte[] encode(SegmentModel model) {
        return CODEC.encode(model);
    }
}
