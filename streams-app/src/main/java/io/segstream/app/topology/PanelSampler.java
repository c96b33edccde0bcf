package io.segstream.app.topology;

import io.segstream.core.profile.ProfileCodec;
import io.segstream.core.profile.UserProfile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * The re-fit panel's share of a task: the latest profile of each panel user scored since the last
 * flush, and the panel users deleted since then. The panel is chosen by a hash of the user id, so
 * it is the same users on every task and after every restart.
 */
final class PanelSampler {

    private static final long BUCKETS = 1_000_000;

    private final long threshold;
    private final Map<String, UserProfile> latest = new LinkedHashMap<>();
    private final Set<String> forgotten = new HashSet<>();

    PanelSampler(double rate) {
        this.threshold = (long) Math.ceil(rate * BUCKETS);
    }

    boolean inPanel(String user) {
        if (threshold == 0) {
            return false;
        }
        long bucket = Math.floorMod(Utils.murmur2(user.getBytes(StandardCharsets.UTF_8)), BUCKETS);
        return bucket < threshold;
    }

    void offer(String user, UserProfile profile) {
        if (inPanel(user)) {
            latest.put(user, profile);
        }
    }

    void forget(String user) {
        latest.remove(user);
        if (inPanel(user)) {
            forgotten.add(user);
        }
    }

    boolean hasForgotten() {
        return !forgotten.isEmpty();
    }

    List<String> users() {
        return new ArrayList<>(latest.keySet());
    }

    /** Profiles, not vectors: the coordinator reads them as of its own time, as re-scoring does. */
    List<ByteBuffer> profiles() {
        return latest.values().stream().map(p -> ByteBuffer.wrap(ProfileCodec.encode(p))).toList();
    }

    /** Panel profiles held for the next flush. */
    int pending() {
        return latest.size();
    }

    List<String> forgotten() {
        return new ArrayList<>(forgotten);
    }

    void clear() {
        latest.clear();
        forgotten.clear();
    }
}
