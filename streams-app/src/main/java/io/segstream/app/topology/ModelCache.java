package io.segstream.app.topology;

import io.segstream.core.model.ModelCompatibilityException;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.profile.ProfileSettings;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.SegmentModel;
import java.util.List;
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
    private boolean scannedRestored;
    private byte[] restoredLatest;
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
        if (bytes == null) {
            // restored from the topic and nothing new since: scan once, not per record
            if (!scannedRestored) {
                restoredLatest = latest(store);
                scannedRestored = true;
            }
            bytes = restoredLatest;
        }
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
        for (Stored stored : decodeAll(store)) {
            SegmentModel m = stored.model();
            if (best == null || m.getVersion() > best.getVersion()) {
                try {
                    ScoringModel.of(m, settings, encoderId, encoderDimension);
                    best = m;
                } catch (ModelCompatibilityException e) {
                    // incompatible: not a candidate
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
        return decodeAll(store).stream()
                .max(java.util.Comparator.comparingLong((Stored s) -> s.model().getVersion()))
                .map(Stored::bytes)
                .orElse(null);
    }

    /** A model of the store with the bytes it is stored as. */
    record Stored(byte[] bytes, SegmentModel model) {}

    /** Every decodable model in the store; an entry that does not decode is not a model. */
    static List<Stored> decodeAll(ReadOnlyKeyValueStore<String, byte[]> store) {
        List<Stored> out = new java.util.ArrayList<>();
        try (var all = store.all()) {
            while (all.hasNext()) {
                var kv = all.next();
                if (kv.value == null) {
                    continue;
                }
                try {
                    out.add(new Stored(kv.value, CODEC.decode(kv.value)));
                } catch (RuntimeException e) {
                    // not a model
                }
            }
        }
        return out;
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
        for (Stored stored : decodeAll(store)) {
            SegmentModel m = stored.model();
            if (m.getOrigin() != io.segstream.schemas.ModelOrigin.ONLINE
                    && m.getVersion() <= current.getVersion()) {
                published.put(m.getVersion(), m.getMajorVersion());
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
