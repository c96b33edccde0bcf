package io.segstream.app.runtime;

import io.segstream.app.config.SegstreamConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether an application has processed everything: its consumer group's committed offsets have
 * reached the read-committed end offsets of the topics it reads. Used by the demo and benchmarks to
 * know when a replay is done.
 */
public final class ConsumerProgress implements AutoCloseable {

    private final Admin admin;

    /**
     * @param connection the cluster and how to authenticate ({@link
     *     SegstreamConfig#kafkaClientProperties()})
     */
    public ConsumerProgress(Map<String, Object> connection) {
        Properties p = new Properties();
        p.putAll(connection);
        this.admin = Admin.create(p);
    }

    /** True when {@code group} has committed every record of {@code topics}. */
    public boolean caughtUp(String group, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics)
                .allTopicNames()
                .get()
                .values()
                .forEach(
                        d ->
                                d.partitions()
                                        .forEach(
                                                p ->
                                                        latest.put(
                                                                new TopicPartition(
                                                                        d.name(), p.partition()),
                                                                OffsetSpec.latest())));
        var ends =
                admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all()
                        .get();
        var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return ends.entrySet().stream()
                .allMatch(
                        e ->
                                e.getValue().offset() == 0
                                        || (committed.get(e.getKey()) != null
                                                && committed.get(e.getKey()).offset()
                                                        >= e.getValue().offset()));
    }

    /**
     * Waits until {@code group} has processed all of {@code topics}, then all of {@code downstream}
     * (topics the group writes and reads again, e.g. its repartition topic).
     */
    public void await(String group, List<String> topics, List<String> downstream, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (List<String> stage : List.of(topics, downstream)) {
            while (!stage.isEmpty() && !caughtUp(group, stage)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            group + " did not process " + stage + " within " + timeout);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * The topics segstream writes and reads again before an event reaches its profile: the
     * repartition topic it re-keys events through, none when the input is keyed by user.
     */
    public static List<String> repartitionTopics(SegstreamConfig config) {
        if (config.getBoolean(SegstreamConfig.INPUT_KEYED_BY_USER_CONFIG)) {
            return List.of();
        }
        return List.of(
                config.getString(SegstreamConfig.APPLICATION_ID_CONFIG)
                        + "-events-by-user-repartition");
    }

    @Override
    public void close() {
        admin.close();
    }
}
