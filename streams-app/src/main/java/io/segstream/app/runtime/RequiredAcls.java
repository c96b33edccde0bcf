package io.segstream.app.runtime;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.config.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs that a segstream instance's principal needs on a cluster that authorizes requests, for
 * {@code topic.prefix} P and {@code application.id} A; the README's "Secured Kafka" section lists
 * the same, and the secured-cluster integration test grants exactly these.
 *
 * <ul>
 *   <li>its topics: READ on the inputs, WRITE on the outputs, both where the app writes and reads
 *       back (each implies DESCRIBE), and CREATE on the prefix P so that missing topics can be
 *       created at start;
 *   <li>Kafka Streams' internal topics (prefix {@code A-}: changelogs, the repartition topic):
 *       CREATE, READ, WRITE and DELETE (the committed part of a repartition topic is purged);
 *   <li>the consumer group A: READ;
 *   <li>exactly-once transactions (transactional ids {@code A-<process>-<thread>}): WRITE on the
 *       prefix {@code A-}.
 * </ul>
 *
 * No cluster-level ACL is needed: WRITE on a topic or transactional id allows idempotent writes.
 */
public final class RequiredAcls {

    private RequiredAcls() {}

    /** Operations on each of segstream's own topics while it runs, by topic name. */
    static Map<String, List<AclOperation>> topicOperations(Topics t) {
        Map<String, List<AclOperation>> ops = new LinkedHashMap<>();
        List<AclOperation> read = List.of(AclOperation.READ);
        List<AclOperation> write = List.of(AclOperation.WRITE);
        List<AclOperation> both = List.of(AclOperation.READ, AclOperation.WRITE);
        ops.put(t.clicks(), read);
        ops.put(t.orders(), read);
        ops.put(t.reviews(), read);
        ops.put(t.heads(), read);
        // DELETE /users/{id} publishes deletion requests that the engine then reads
        ops.put(t.deletions(), both);
        ops.put(t.segments(), write);
        ops.put(t.segmentsJson(), write);
        ops.put(t.segmentChanges(), write);
        ops.put(t.reviewAlerts(), write);
        ops.put(t.dlq(), write);
        // the tasks write mini-batches that the coordinator reads, the coordinator writes models
        // that every instance reads as a global store
        ops.put(t.centroidDeltas(), both);
        ops.put(t.segmentModel(), both);
        return ops;
    }

    static final List<AclOperation> INTERNAL_TOPIC_OPERATIONS =
            List.of(
                    AclOperation.CREATE,
                    AclOperation.READ,
                    AclOperation.WRITE,
                    AclOperation.DELETE);

    /** Kafka Streams names its internal topics and transactional ids {@code <application.id>-}. */
    static String internalPrefix(SegstreamConfig config) {
        return config.getString(SegstreamConfig.APPLICATION_ID_CONFIG) + "-";
    }

    /**
     * Every ACL binding {@code principal} (e.g. {@code User:segstream}) needs, allowed from any
     * host.
     */
    public static List<AclBinding> of(SegstreamConfig config, String principal) {
        String appId = config.getString(SegstreamConfig.APPLICATION_ID_CONFIG);
        String internal = internalPrefix(config);
        List<AclBinding> out = new ArrayList<>();
        topicOperations(config.topics())
                .forEach(
                        (topic, ops) ->
                                ops.forEach(
                                        op ->
                                                out.add(
                                                        allow(
                                                                principal,
                                                                ResourceType.TOPIC,
                                                                topic,
                                                                PatternType.LITERAL,
                                                                op))));
        out.add(
                allow(
                        principal,
                        ResourceType.TOPIC,
                        config.topics().prefix(),
                        PatternType.PREFIXED,
                        AclOperation.CREATE));
        for (AclOperation op : INTERNAL_TOPIC_OPERATIONS) {
            out.add(allow(principal, ResourceType.TOPIC, internal, PatternType.PREFIXED, op));
        }
        out.add(
                allow(
                        principal,
                        ResourceType.GROUP,
                        appId,
                        PatternType.LITERAL,
                        AclOperation.READ));
        out.add(
                allow(
                        principal,
                        ResourceType.TRANSACTIONAL_ID,
                        internal,
                        PatternType.PREFIXED,
                        AclOperation.WRITE));
        return out;
    }

    /**
     * The operations the app needs on {@code topic}, e.g. {@code WRITE} or {@code READ, WRITE};
     * empty for a topic that is not the app's.
     */
    static Optional<String> neededOn(SegstreamConfig config, String topic) {
        List<AclOperation> ops = topicOperations(config.topics()).get(topic);
        if (ops == null && topic.startsWith(internalPrefix(config))) {
            ops = INTERNAL_TOPIC_OPERATIONS;
        }
        return Optional.ofNullable(ops)
                .map(o -> o.stream().map(Enum::name).collect(Collectors.joining(", ")));
    }

    private static AclBinding allow(
            String principal,
            ResourceType type,
            String name,
            PatternType pattern,
            AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}
