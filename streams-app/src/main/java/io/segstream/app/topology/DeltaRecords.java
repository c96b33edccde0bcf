package io.segstream.app.topology;

import io.segstream.schemas.CentroidDelta;
import io.segstream.schemas.ClusterDelta;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs one flush of a task (centroid sums, seed samples, panel profiles, deleted users) into as
 * many {@code centroid-deltas} records as it takes to keep each under a byte budget. A flush grows
 * with the population (500 seed samples of 396 doubles are 1.6 MB), a record must not: the producer
 * refuses anything above {@code max.request.size}, and a refused record stops the model loop.
 *
 * <p>Sizes are upper bounds of the Avro binary encoding, so a record never exceeds the budget by
 * more than one item that is larger than the budget on its own (it then travels alone). The
 * coordinator reads every record on its own: sums and samples simply add up.
 */
final class DeltaRecords {

    /** Avro's varint of a long takes at most 10 bytes, an int's 5. */
    private static final int LONG_BYTES = 10;

    private static final int INT_BYTES = 5;

    private DeltaRecords() {}

    /** One flush's content, before it is split. */
    record Flush(
            String taskId,
            long baseModelVersion,
            Instant flushTime,
            List<ClusterDelta> deltas,
            List<List<Double>> seedSamples,
            List<String> panelUsers,
            List<ByteBuffer> panelProfiles,
            List<String> forgetUsers) {

        boolean isEmpty() {
            return deltas.isEmpty()
                    && seedSamples.isEmpty()
                    && panelUsers.isEmpty()
                    && forgetUsers.isEmpty();
        }
    }

    static List<CentroidDelta> split(Flush flush, int maxBytes) {
        List<CentroidDelta> out = new ArrayList<>();
        Chunk chunk = new Chunk(flush, maxBytes);
        for (ClusterDelta d : flush.deltas()) {
            chunk = chunk.fit(INT_BYTES + 2 * LONG_BYTES + doublesBytes(d.getSum().size()), out);
            chunk.deltas.add(d);
        }
        for (List<Double> sample : flush.seedSamples()) {
            chunk = chunk.fit(doublesBytes(sample.size()), out);
            chunk.seedSamples.add(sample);
        }
        for (int i = 0; i < flush.panelUsers().size(); i++) {
            String user = flush.panelUsers().get(i);
            ByteBuffer profile = flush.panelProfiles().get(i);
            chunk = chunk.fit(stringBytes(user) + INT_BYTES + profile.remaining(), out);
            chunk.panelUsers.add(user);
            chunk.panelProfiles.add(profile);
        }
        for (String user : flush.forgetUsers()) {
            chunk = chunk.fit(stringBytes(user), out);
            chunk.forgetUsers.add(user);
        }
        if (!chunk.isEmpty()) {
            out.add(chunk.build());
        }
        return out;
    }

    /** An array of doubles: its block count, 8 bytes each, the end-of-array marker. */
    private static int doublesBytes(int n) {
        return LONG_BYTES + 8 * n + 1;
    }

    private static int stringBytes(String s) {
        return INT_BYTES + s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** The record being filled, with the bytes it holds so far. */
    private static final class Chunk {
        private final Flush flush;
        private final int maxBytes;
        private final List<ClusterDelta> deltas = new ArrayList<>();
        private final List<List<Double>> seedSamples = new ArrayList<>();
        private final List<String> panelUsers = new ArrayList<>();
        private final List<ByteBuffer> panelProfiles = new ArrayList<>();
        private final List<String> forgetUsers = new ArrayList<>();
        private long bytes;
        private boolean empty = true;

        Chunk(Flush flush, int maxBytes) {
            this.flush = flush;
            this.maxBytes = maxBytes;
            // header fields and the block counts of the five arrays
            this.bytes = stringBytes(flush.taskId()) + 2L * LONG_BYTES + 5L * (LONG_BYTES + 1);
        }

        /** This chunk if {@code itemBytes} more fit, else a new one (this one goes to out). */
        Chunk fit(int itemBytes, List<CentroidDelta> out) {
            Chunk target = this;
            if (!empty && bytes + itemBytes > maxBytes) {
                out.add(build());
                target = new Chunk(flush, maxBytes);
            }
            target.bytes += itemBytes;
            target.empty = false;
            return target;
        }

        boolean isEmpty() {
            return empty;
        }

        CentroidDelta build() {
            return CentroidDelta.newBuilder()
                    .setTaskId(flush.taskId())
                    .setBaseModelVersion(flush.baseModelVersion())
                    .setFlushTime(flush.flushTime())
                    .setDeltas(deltas)
                    .setSeedSamples(seedSamples)
                    .setPanelUsers(panelUsers)
                    .setPanelProfiles(panelProfiles)
                    .setForgetUsers(forgetUsers)
                    .build();
        }
    }
}
