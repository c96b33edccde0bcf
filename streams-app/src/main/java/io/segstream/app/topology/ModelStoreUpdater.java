package io.segstream.app.topology;

import io.segstream.schemas.SegmentModel;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the global model store: every version under {@code v<version>} (rollback and explanations
 * look older versions up) and the highest version under {@link ModelCache#CURRENT}. A rollback is
 * republished under a new, higher version, so "highest" is always "current".
 */
final class ModelStoreUpdater implements Processor<String, byte[], Void, Void> {

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
        store.put(versionKey(model.getVersion()), record.value());
        byte[] current = store.get(ModelCache.CURRENT);
        if (current == null || ModelCache.decode(current).getVersion() <= model.getVersion()) {
            store.put(ModelCache.CURRENT, record.value());
        }
    }

    static String versionKey(long version) {
        return "v" + version;
    }
}
