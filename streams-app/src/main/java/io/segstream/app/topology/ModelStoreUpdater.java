package io.segstream.app.topology;

import io.segstream.schemas.SegmentModel;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global model store: each record under its topic key and the highest version under
 * {@link ModelCache#CURRENT}. Seeded and trained models are keyed {@code v<version>} and so all
 * kept (rollback looks them up); online updates share the key {@link #ONLINE_KEY}, so that the
 * compacted topic and this store hold only the latest of them. A rollback is republished under a
 * new, higher version, so "highest" is always "current".
 */
public final class ModelStoreUpdater implements Processor<String, byte[], Void, Void> {

    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(ModelStoreUpdater.class);

    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(SegstreamTopology.MODEL_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        SegmentModel model;
        try {
            model = ModelCache.decode(record.value());
        } catch (RuntimeException e) {
            LOG.error("Ignoring an undecodable record on the model topic: {}", e.getMessage());
            return;
        }
        store.put(
                record.key() == null ? versionKey(model.getVersion()) : record.key(),
                record.value());
        byte[] current = store.get(ModelCache.CURRENT);
        if (current == null || ModelCache.decode(current).getVersion() <= model.getVersion()) {
            store.put(ModelCache.CURRENT, record.value());
        }
    }

    static final String ONLINE_KEY = "online";

    public static String versionKey(long version) {
        return "v" + version;
    }
}
