package io.segstream.reliability;

import io.segstream.app.embedded.EmbeddedKafkaCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A KRaft server (broker and controller) in its own JVM, on a fixed port and a data directory that
 * outlives it, so that the suite can kill it with SIGKILL and start it again where it was: a hard
 * bounce, as Kafka's own {@code streams_broker_bounce_test} does. Alone it is a single-node
 * cluster; as a member of a {@link BrokerCluster} it is one voter of a static quorum. The child
 * stops cleanly when its standard input closes, so it also goes away when the suite dies.
 */
final class BrokerNode implements AutoCloseable {

    static final String READY = "BROKER-READY ";

    /** A node's place in a multi-node cluster: its id, every voter's controller port, the id. */
    record Membership(int nodeId, Map<Integer, Integer> controllerPorts, String clusterId) {

        String arg() {
            return nodeId
                    + ";"
                    + clusterId
                    + ";"
                    + controllerPorts.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(","));
        }

        static Membership parse(String arg) {
            String[] parts = arg.split(";");
            Map<Integer, Integer> ports = new TreeMap<>();
            for (String voter : parts[2].split(",")) {
                String[] kv = voter.split("=");
                ports.put(Integer.parseInt(kv[0]), Integer.parseInt(kv[1]));
            }
            return new Membership(Integer.parseInt(parts[0]), ports, parts[1]);
        }
    }

    private final Path dataDir;
    private final int port;
    private final Path log;
    private final Membership membership;
    private Process process;
    private BufferedReader stdout;

    BrokerNode(Path dataDir, int port, Path log) {
        this(dataDir, port, log, null);
    }

    BrokerNode(Path dataDir, int port, Path log, Membership membership) {
        this.dataDir = dataDir;
        this.port = port;
        this.log = log;
        this.membership = membership;
    }

    String bootstrapServers() {
        return EmbeddedKafkaCluster.HOST + ":" + port;
    }

    int port() {
        return port;
    }

    /** The node id clients see in metadata, e.g. as a partition's leader. */
    int nodeId() {
        return membership == null ? 1 : membership.nodeId();
    }

    /** Starts the broker JVM and waits until it serves. */
    void start() throws IOException {
        launch();
        awaitReady();
    }

    /**
     * Starts the broker JVM without waiting: a quorum member serves only once a majority of the
     * quorum runs, so a cluster launches all its nodes before it waits for any.
     */
    void launch() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command =
                new ArrayList<>(
                        List.of(
                                java,
                                "-Xmx512m",
                                "-DOPT_OUT_TRACKING=true",
                                "-cp",
                                System.getProperty("java.class.path"),
                                BrokerNode.class.getName(),
                                dataDir.toString(),
                                Integer.toString(port)));
        if (membership != null) {
            command.add(membership.arg());
        }
        process =
                new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
        stdout =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Waits until the launched JVM says it serves. */
    void awaitReady() throws IOException {
        String line;
        while ((line = stdout.readLine()) != null) {
            if (line.startsWith(READY)) {
                return;
            }
        }
        process.destroyForcibly();
        throw new IOException("The broker JVM exited before it was ready; see " + log);
    }

    /** SIGKILL: no clean shutdown, the log is recovered at the next start. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The child: {@code BrokerNode DATA_DIR PORT [MEMBERSHIP]}. */
    public static void main(String[] args) throws Exception {
        EmbeddedKafkaCluster.Builder builder =
                EmbeddedKafkaCluster.builder()
                        .optDataDir(Path.of(args[0]))
                        .optPort(Integer.parseInt(args[1]))
                        .optStartTimeout(Duration.ofMinutes(2));
        if (args.length > 2) {
            Membership m = Membership.parse(args[2]);
            builder.optQuorumMember(m.nodeId(), m.controllerPorts(), m.clusterId());
            // every record on all nodes, and a write needs two of them: one node may die
            int replicas = m.controllerPorts().size();
            String minIsr = Integer.toString(Math.max(1, replicas - 1));
            builder.optBrokerProperty("default.replication.factor", Integer.toString(replicas))
                    .optBrokerProperty("min.insync.replicas", minIsr)
                    .optBrokerProperty(
                            "offsets.topic.replication.factor", Integer.toString(replicas))
                    .optBrokerProperty(
                            "transaction.state.log.replication.factor", Integer.toString(replicas))
                    .optBrokerProperty("transaction.state.log.min.isr", minIsr);
        }
        EmbeddedKafkaCluster kafka = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "broker-stop"));
        System.out.println(READY + kafka.bootstrapServers());
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent closes our stdin when it is done, or when it dies
        }
        kafka.close();
        System.exit(0);
    }
}
