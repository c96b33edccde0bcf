package io.segstream.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * The brokers a scenario runs on, each in its own JVM: one node, or a three-node KRaft cluster
 * (every node broker and controller, replication factor 3, min ISR 2) whose partition leaders the
 * suite kills, as in a production cluster.
 */
final class BrokerCluster implements AutoCloseable {

    private final List<BrokerNode> nodes;

    private BrokerCluster(List<BrokerNode> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /** One broker, its own single-node cluster. */
    static BrokerCluster single(Path workDir) throws IOException {
        return new BrokerCluster(
                List.of(
                        new BrokerNode(
                                workDir.resolve("broker"),
                                AppInstance.freePort(),
                                workDir.resolve("broker.log"))));
    }

    /** {@code size} nodes in one static quorum, each node a voter and a broker. */
    static BrokerCluster quorum(Path workDir, int size) throws IOException {
        java.nio.file.Files.createDirectories(workDir);
        Map<Integer, Integer> controllerPorts = new TreeMap<>();
        for (int id = 1; id <= size; id++) {
            controllerPorts.put(id, AppInstance.freePort());
        }
        String clusterId = Uuid.randomUuid().toString();
        List<BrokerNode> nodes = new ArrayList<>();
        for (int id = 1; id <= size; id++) {
            nodes.add(
                    new BrokerNode(
                            workDir.resolve("node-" + id),
                            AppInstance.freePort(),
                            workDir.resolve("node-" + id + ".log"),
                            new BrokerNode.Membership(id, controllerPorts, clusterId)));
        }
        return new BrokerCluster(nodes);
    }

    /** Launches every node, then waits for each: a quorum member waits for a majority. */
    BrokerCluster start() throws IOException {
        for (BrokerNode node : nodes) {
            node.launch();
        }
        for (BrokerNode node : nodes) {
            node.awaitReady();
        }
        return this;
    }

    String bootstrapServers() {
        return nodes.stream().map(BrokerNode::bootstrapServers).collect(Collectors.joining(","));
    }

    List<BrokerNode> nodes() {
        return nodes;
    }

    int replicas() {
        return nodes.size();
    }

    /** The node that leads partition {@code partition} of {@code topic} now. */
    BrokerNode leaderOf(String topic, int partition) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            int leader =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions()
                            .get(partition)
                            .leader()
                            .id();
            return nodes.stream()
                    .filter(n -> n.nodeId() == leader)
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new IllegalStateException(
                                            topic + "-" + partition + " led by unknown " + leader));
        }
    }

    @Override
    public void close() {
        nodes.forEach(BrokerNode::close);
    }
}
