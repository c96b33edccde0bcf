package io.segstream.reliability;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How long a fault held up each task of the application, and whose tasks they were. A task reads
 * the same partition of every input topic, or of the repartition topics; it moves when the group's
 * committed offset on one of its partitions moves, or when all of them are caught up with nothing
 * held back by an open transaction (a read_committed reader waiting for a dead producer's
 * transaction is stalled, not idle). Its stall is the longest time it did not move, from the fault
 * until every task has moved again and a few seconds more. Tasks are attributed to the instance
 * that owned them just before the fault, through the static member ids Kafka Streams derives from
 * {@code instance.id} ({@code <instance.id>-<thread>}), so the surviving instances' stall is told
 * apart from the stall of the tasks of the instance that was killed.
 */
final class PartitionStalls implements AutoCloseable {

    /** How long the watch goes on once every task has moved again. */
    private static final double SETTLE_SECONDS = 3;

    /** The committed offsets and owners just before a fault. */
    record Snapshot(
            long nanos, Map<TopicPartition, Long> committed, Map<TopicPartition, String> owners) {}

    /**
     * The longest stall in seconds, of all partitions, of the surviving instances' input partitions
     * and of their repartition partitions, and of the partitions of the instance the fault hit; NaN
     * where there was no such partition or the owners are unknown (dynamic membership).
     */
    record Stall(double group, double survivorsInput, double survivorsRepartition, double victims) {

        double survivors() {
            return Double.isNaN(survivorsInput)
                    ? survivorsRepartition
                    : Double.isNaN(survivorsRepartition)
                            ? survivorsInput
                            : Math.max(survivorsInput, survivorsRepartition);
        }
    }

    private final Admin admin;
    private final String group;
    private final List<String> input;
    private final List<String> repartition;

    PartitionStalls(
            String bootstrapServers, String group, List<String> input, List<String> repartition) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        this.admin = Admin.create(p);
        this.group = group;
        this.input = input;
        this.repartition = repartition;
    }

    /** Call just before injecting the fault. */
    Snapshot snapshot() {
        Map<TopicPartition, String> owners = new HashMap<>();
        try {
            for (MemberDescription m :
                    admin.describeConsumerGroups(List.of(group)).all().get().get(group).members()) {
                m.groupInstanceId()
                        .ifPresent(
                                id ->
                                        m.assignment()
                                                .topicPartitions()
                                                .forEach(tp -> owners.put(tp, instanceOf(id))));
            }
        } catch (Exception e) {
            // owners unknown: only the group's stall is measured
        }
        return new Snapshot(System.nanoTime(), committed(), owners);
    }

    /** Kafka Streams names a thread's static member {@code <instance.id>-<thread index>}. */
    private static String instanceOf(String memberInstanceId) {
        int dash = memberInstanceId.lastIndexOf('-');
        return dash < 0 ? memberInstanceId : memberInstanceId.substring(0, dash);
    }

    /**
     * Waits until every monitored partition has moved on or caught up, sampling every 100 ms;
     * {@code victim} is the instance the fault hit, or null when it hit none (a broker, a new
     * member).
     */
    Stall await(Snapshot at, String victim, Duration timeout) throws InterruptedException {
        Map<Task, Double> lastMove = new HashMap<>();
        Map<Task, Double> stalls = new HashMap<>();
        Map<TopicPartition, Long> previous = at.committed();
        long deadline = System.nanoTime() + timeout.toNanos();
        double allMovedAt = Double.NaN;
        while (true) {
            Map<TopicPartition, Long> committed = committed();
            Map<TopicPartition, Long> ends =
                    ends(committed.keySet(), IsolationLevel.READ_COMMITTED);
            Map<TopicPartition, Long> logEnds =
                    ends(committed.keySet(), IsolationLevel.READ_UNCOMMITTED);
            double now = (System.nanoTime() - at.nanos()) / 1e9;
            // a task moves when one of its partitions does, or has nothing to do when all of them
            // are caught up and no open transaction holds records back: a read_committed reader
            // waiting for a dead producer's transaction is stalled, not idle
            Map<Task, Boolean> advanced = new HashMap<>();
            Map<Task, Boolean> idle = new HashMap<>();
            for (var e : committed.entrySet()) {
                TopicPartition tp = e.getKey();
                Long end = ends.get(tp);
                advanced.merge(
                        task(tp),
                        e.getValue() > previous.getOrDefault(tp, -1L),
                        Boolean::logicalOr);
                boolean caughtUp =
                        end != null && e.getValue() >= end && end.equals(logEnds.get(tp));
                idle.merge(task(tp), caughtUp, Boolean::logicalAnd);
            }
            if (!committed.isEmpty()) {
                previous = committed;
            }
            advanced.forEach(
                    (t, a) -> {
                        stalls.putIfAbsent(t, 0.0);
                        if (a || idle.get(t)) {
                            double since = lastMove.getOrDefault(t, 0.0);
                            stalls.merge(t, now - since, Math::max);
                            lastMove.put(t, now);
                        }
                    });
            boolean allMoved =
                    !advanced.isEmpty() && lastMove.keySet().containsAll(advanced.keySet());
            if (allMoved && Double.isNaN(allMovedAt)) {
                allMovedAt = now;
            }
            // a little longer than the first move of the last task: the victim's return is what
            // ends the wait of read_committed readers, moments after its own tasks move
            if (allMoved && now - allMovedAt >= SETTLE_SECONDS) {
                lastMove.forEach((t, since) -> stalls.merge(t, now - since, Math::max));
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        group + ": partitions did not move within " + timeout + " of a fault");
            }
            Thread.sleep(100);
        }
        boolean ownersKnown = !at.owners().isEmpty();
        return new Stall(
                max(stalls, t -> true),
                ownersKnown
                        ? max(stalls, t -> !t.repartition() && survivor(at, t, victim))
                        : Double.NaN,
                ownersKnown
                        ? max(stalls, t -> t.repartition() && survivor(at, t, victim))
                        : Double.NaN,
                ownersKnown && victim != null
                        ? max(stalls, t -> victim.equals(at.owners().get(t.any())))
                        : Double.NaN);
    }

    /**
     * The partitions one task reads: the same partition of every input topic (clicks, orders,
     * deletions are co-partitioned), or of the repartition topics. Sparse topics (orders) move only
     * when their next record's turn comes in the time-ordered merge, so a task counts as moving
     * when any of its partitions does.
     */
    private record Task(boolean repartition, int partition, TopicPartition any) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Task t && t.repartition == repartition && t.partition == partition;
        }

        @Override
        public int hashCode() {
            return Boolean.hashCode(repartition) * 31 + partition;
        }
    }

    private Task task(TopicPartition tp) {
        return new Task(repartition.contains(tp.topic()), tp.partition(), tp);
    }

    private static boolean survivor(Snapshot at, Task t, String victim) {
        String owner = at.owners().get(t.any());
        return owner != null && !owner.equals(victim);
    }

    private static double max(Map<Task, Double> stalls, java.util.function.Predicate<Task> which) {
        return stalls.entrySet().stream()
                .filter(e -> which.test(e.getKey()))
                .mapToDouble(Map.Entry::getValue)
                .max()
                .orElse(Double.NaN);
    }

    /**
     * Share of the input topics' records that the group has committed, from 0 to 1; 0 while the
     * offsets cannot be read. Meant for an input that is entirely on the broker already.
     */
    double inputShare() {
        try {
            Set<TopicPartition> partitions =
                    admin.describeTopics(input).allTopicNames().get().values().stream()
                            .flatMap(
                                    d ->
                                            d.partitions().stream()
                                                    .map(
                                                            p ->
                                                                    new TopicPartition(
                                                                            d.name(),
                                                                            p.partition())))
                            .collect(Collectors.toSet());
            long end =
                    ends(partitions, IsolationLevel.READ_UNCOMMITTED).values().stream()
                            .mapToLong(Long::longValue)
                            .sum();
            long done =
                    committed().entrySet().stream()
                            .filter(e -> input.contains(e.getKey().topic()))
                            .mapToLong(Map.Entry::getValue)
                            .sum();
            return end == 0 ? 0 : (double) done / end;
        } catch (Exception e) {
            return 0;
        }
    }

    /** The group's committed offsets on the monitored topics; empty while they cannot be read. */
    private Map<TopicPartition, Long> committed() {
        try {
            Map<TopicPartition, OffsetAndMetadata> all =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return all.entrySet().stream()
                    .filter(e -> e.getValue() != null && monitored(e.getKey()))
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            return Map.of();
        }
    }

    private boolean monitored(TopicPartition tp) {
        return input.contains(tp.topic()) || repartition.contains(tp.topic());
    }

    /** End offsets; read-committed ones are what a caught-up group has committed. */
    private Map<TopicPartition, Long> ends(
            java.util.Set<TopicPartition> partitions, IsolationLevel isolation) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        try {
            return admin
                    .listOffsets(
                            partitions.stream()
                                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())),
                            new ListOffsetsOptions(isolation))
                    .all()
                    .get()
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (Exception e) {
            return Map.of();
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
