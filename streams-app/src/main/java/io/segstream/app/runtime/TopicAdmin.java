package io.segstream.app.runtime;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.config.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates segstream's topics where they are missing, with the right partitions and cleanup policy.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {}

    /** The topics segstream needs: name, partitions, compacted. */
    static List<NewTopic> required(SegstreamConfig config) {
        Topics t = config.topics();
        int n = config.getInt(SegstreamConfig.INPUT_PARTITIONS_CONFIG);
        Optional<Short> rf = replication(config);
        List<NewTopic> topics = new ArrayList<>();
        for (String name :
                List.of(
                        t.clicks(),
                        t.orders(),
                        t.reviews(),
                        t.deletions(),
                        t.segmentChanges(),
                        t.reviewAlerts(),
                        t.dlq())) {
            topics.add(new NewTopic(name, Optional.of(n), rf));
        }
        for (String name : List.of(t.segments(), t.segmentsJson())) {
            topics.add(
                    new NewTopic(name, Optional.of(n), rf)
                            .configs(
                                    Map.of(
                                            TopicConfig.CLEANUP_POLICY_CONFIG,
                                            TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        topics.add(
                new NewTopic(t.heads(), Optional.of(1), rf)
                        .configs(
                                Map.of(
                                        TopicConfig.CLEANUP_POLICY_CONFIG,
                                        TopicConfig.CLEANUP_POLICY_COMPACT)));
        // one partition: a single coordinator task applies every update, in order
        topics.add(new NewTopic(t.centroidDeltas(), Optional.of(1), rf));
        topics.add(
                new NewTopic(t.segmentModel(), Optional.of(1), rf)
                        .configs(
                                Map.of(
                                        TopicConfig.CLEANUP_POLICY_CONFIG,
                                        TopicConfig.CLEANUP_POLICY_COMPACT)));
        return topics;
    }

    private static Optional<Short> replication(SegstreamConfig config) {
        short rf = config.getShort(SegstreamConfig.REPLICATION_FACTOR_CONFIG);
        return rf > 0 ? Optional.of(rf) : Optional.empty();
    }

    /**
     * Waits until every partition of {@code names} has a leader: a producer that writes to a
     * partition the broker has not finished creating can see a refused first batch overtaken by a
     * later one (KAFKA-15591), which would reorder a user's events.
     */
    private static void awaitLeaders(Admin admin, List<String> names)
            throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            boolean ready;
            try {
                ready =
                        admin.describeTopics(names).allTopicNames().get().values().stream()
                                .allMatch(
                                        d ->
                                                d.partitions().stream()
                                                        .allMatch(
                                                                p ->
                                                                        p.leader() != null
                                                                                && !p.leader()
                                                                                        .isEmpty()));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AuthorizationException) {
                    throw e; // waiting cannot grant an ACL
                }
                ready = false; // not yet known to the broker we asked
            }
            if (ready) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(
                "Topics " + names + " have partitions without a leader after 30 s");
    }

    /** Creates every missing topic; existing topics are left as they are. */
    public static void ensureTopics(SegstreamConfig config) {
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        try (Admin admin = Admin.create(p)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing =
                    required(config).stream().filter(t -> !existing.contains(t.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException denied) {
                    throw new KafkaAccessException(
                            "Kafka denied this principal creating topic "
                                    + String.join(", ", new TreeSet<>(denied.unauthorizedTopics()))
                                    + " ("
                                    + SegstreamApp.oneLine(denied)
                                    + "): create segstream's topics beforehand, or grant it CREATE"
                                    + " on topics prefixed "
                                    + config.topics().prefix()
                                    + "; "
                                    + KafkaAccessException.SEE_ACLS,
                            denied);
                }
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList());
            LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            Optional<String> refused = KafkaAccessException.explain(e.getCause(), config);
            if (refused.isPresent()) {
                throw new KafkaAccessException(refused.get(), e.getCause());
            }
            throw new IllegalStateException(
                    "Cannot create segstream's topics on "
                            + config.getString(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG)
                            + ": "
                            + e.getCause().getMessage()
                            + ". Check bootstrap.servers and the ACLs.",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }
}
