package io.segstream.app.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process, single-node Kafka cluster in KRaft mode: one server that is both broker and
 * controller, listening on {@code 127.0.0.1} only. It backs {@code segstream run --embedded},
 * {@code segstream demo} and the integration tests.
 *
 * <p>{@link #start()} picks two free loopback ports (broker and controller listener), formats a
 * fresh temporary log directory with Kafka's {@link StorageTool}, starts {@link KafkaRaftServer}
 * and returns once an {@link Admin} client can describe the cluster. Internal topics are sized for
 * one node (replication factor 1, min ISR 1, one partition each), so transactions and exactly-once
 * Kafka Streams work. {@link #close()} shuts the server down, waits for it and deletes the
 * temporary directory; it is idempotent. Nothing JVM-wide is registered by this class (no shutdown
 * hook, no static state), so several clusters can run side by side.
 *
 * <pre>{@code
 * try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
 *     kafka.createTopics(Map.of("events", 4), Map.of());
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 *     ...
 * }
 * }</pre>
 *
 * <p>Optional settings go through {@link #builder()}: a fixed broker port, a data directory that
 * survives {@link #close()} (a restart on it keeps the cluster id and the topics), extra broker
 * properties, the start timeout, and a SASL_SSL listener with SCRAM users and ACLs instead of
 * PLAINTEXT ({@link Builder#optSaslSsl}; clients then connect with {@link #clientProperties()}).
 *
 * <p>Kafka's own broker logging goes through SLF4J under the {@code kafka} and {@code
 * org.apache.kafka} loggers (plus {@code state.change.logger}); the logback configuration decides
 * how much of it is shown. This class logs one INFO line with the bootstrap address.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

    /** The only address the cluster listens on. */
    public static final String HOST = "127.0.0.1";

    /** Broker listener name; clients connect to it. */
    static final String BROKER_LISTENER = "PLAINTEXT";

    /** Broker listener name of a cluster started with {@link Builder#optSaslSsl}. */
    static final String SASL_SSL_LISTENER = "SASL_SSL";

    /** Controller (KRaft quorum) listener name. */
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** The node id of a single-node cluster; a data directory is formatted for it. */
    static final int NODE_ID = 1;

    /** Where Kafka keeps its log segments and metadata log, under the data directory. */
    static final String LOG_DIR_NAME = "kraft-combined-logs";

    /** The broker configuration written for {@link StorageTool}, under the data directory. */
    static final String SERVER_PROPERTIES_NAME = "server.properties";

    static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    static final Duration TOPIC_READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Free ports are picked, then bound by Kafka; another process may win the race. */
    private static final int MAX_START_ATTEMPTS = 3;

    /**
     * Broker properties that wire the node together; they are derived from the builder's options
     * and cannot be overridden with {@link Builder#optBrokerProperty}.
     */
    public static final Set<String> RESERVED_PROPERTIES =
            Set.of(
                    "process.roles",
                    "node.id",
                    "broker.id",
                    "listeners",
                    "advertised.listeners",
                    "listener.security.protocol.map",
                    "inter.broker.listener.name",
                    "controller.listener.names",
                    "controller.quorum.voters",
                    "controller.quorum.bootstrap.servers",
                    "log.dirs",
                    "log.dir",
                    "metadata.log.dir");

    private final KafkaRaftServer server;
    private final Admin admin;
    private final int port;
    private final int controllerPort;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final String clusterId;
    private final SaslSsl saslSsl;
    private final Object closeLock = new Object();
    private boolean closed;

    private EmbeddedKafkaCluster(
            KafkaRaftServer server,
            Admin admin,
            int port,
            int controllerPort,
            Path dataDir,
            boolean deleteDataDirOnClose,
            String clusterId,
            SaslSsl saslSsl) {
        this.server = server;
        this.admin = admin;
        this.port = port;
        this.controllerPort = controllerPort;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
        this.clusterId = clusterId;
        this.saslSsl = saslSsl;
    }

    /**
     * Starts a cluster on free loopback ports with a fresh temporary data directory, which {@link
     * #close()} deletes.
     *
     * @throws EmbeddedKafkaException if the storage cannot be formatted or the server does not
     *     become ready within 60 s
     */
    public static EmbeddedKafkaCluster start() {
        return builder().start();
    }

    /** Options for a cluster: every one has a default, so {@code builder().start()} is fine. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /**
     * A producer for replays into this broker: string keys, byte values, one request in flight, so
     * a user's events stay in order and a refused first batch is not overtaken (KAFKA-15591).
     */
    public KafkaProducer<String, byte[]> orderedProducer() {
        Properties p = new Properties();
        p.putAll(clientProperties());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * What a client needs to connect: {@code bootstrap.servers}, and on a cluster started with
     * {@link Builder#optSaslSsl} the SASL_SSL settings of the super user {@value SaslSsl#ADMIN}.
     */
    public Map<String, Object> clientProperties() {
        return saslSsl == null
                ? Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers())
                : clientProperties(SaslSsl.ADMIN, saslSsl.users().get(SaslSsl.ADMIN));
    }

    /**
     * The client settings of SCRAM user {@code user} on a cluster started with {@link
     * Builder#optSaslSsl}: bootstrap servers, SASL_SSL, the mechanism, the JAAS login and the
     * truststore. The password is not checked here, so that a test can try a wrong one.
     *
     * @throws IllegalStateException if the cluster was started without SASL_SSL
     */
    public Map<String, Object> clientProperties(String user, String password) {
        if (saslSsl == null) {
            throw new IllegalStateException(
                    "the embedded Kafka cluster at "
                            + bootstrapServers()
                            + " has no SASL_SSL listener; start it with optSaslSsl");
        }
        Map<String, Object> p = new LinkedHashMap<>(saslSsl.clientSecurity(user, password));
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** The broker listener's port on {@code 127.0.0.1}. */
    public int port() {
        return port;
    }

    /** The KRaft controller listener's port on {@code 127.0.0.1}; clients never need it. */
    int controllerPort() {
        return controllerPort;
    }

    /**
     * The directory holding the cluster's state ({@value #SERVER_PROPERTIES_NAME} and {@value
     * #LOG_DIR_NAME}/); a temporary one unless {@link Builder#optDataDir} was given.
     */
    public Path dataDir() {
        return dataDir;
    }

    /** The cluster id the storage was formatted with (kept across restarts on one data dir). */
    public String clusterId() {
        return clusterId;
    }

    /** Creates one topic with default configs; see {@link #createTopics(Map, Map)}. */
    public void createTopic(String name, int partitions) {
        createTopics(Map.of(name, partitions), Map.of());
    }

    /** Creates topics with default configs; see {@link #createTopics(Map, Map)}. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        createTopics(partitionsByTopic, Map.of());
    }

    /**
     * Creates the topics (replication factor 1) with the given topic configs, e.g. {@code
     * cleanup.policy=compact}, applied to each of them, and waits until every partition has a
     * leader, so that clients can use them at once. Topics that already exist are left as they are
     * (their partition count and configs are not changed), which makes the call idempotent.
     *
     * @throws IllegalArgumentException for a blank topic name or a partition count below 1
     * @throws EmbeddedKafkaException if the broker rejects a topic or does not answer in time
     */
    public void createTopics(Map<String, Integer> partitionsByTopic, Map<String, String> configs) {
        Objects.requireNonNull(partitionsByTopic, "partitionsByTopic");
        Objects.requireNonNull(configs, "configs");
        ensureOpen();
        List<NewTopic> newTopics = new ArrayList<>();
        partitionsByTopic.forEach(
                (name, partitions) -> {
                    if (name == null || name.isBlank()) {
                        throw new IllegalArgumentException(
                                "topic name must not be blank, got '" + name + "'");
                    }
                    if (partitions == null || partitions < 1) {
                        throw new IllegalArgumentException(
                                "topic '"
                                        + name
                                        + "' needs at least 1 partition, got "
                                        + partitions);
                    }
                    newTopics.add(new NewTopic(name, partitions, (short) 1).configs(configs));
                });
        if (newTopics.isEmpty()) {
            return;
        }
        CreateTopicsResult result = admin.createTopics(newTopics);
        for (Map.Entry<String, KafkaFuture<Void>> created : result.values().entrySet()) {
            try {
                created.getValue().get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new EmbeddedKafkaException(
                            "could not create topic '"
                                    + created.getKey()
                                    + "' on "
                                    + bootstrapServers()
                                    + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
            } catch (TimeoutException e) {
                throw new EmbeddedKafkaException(
                        "creating topic '"
                                + created.getKey()
                                + "' on "
                                + bootstrapServers()
                                + " did not finish within "
                                + TOPIC_READY_TIMEOUT.toSeconds()
                                + " s",
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedKafkaException(
                        "interrupted while creating topic '" + created.getKey() + "'", e);
            }
        }
        awaitLeaders(partitionsByTopic.keySet());
    }

    /** Waits until the broker's metadata shows a leader for every partition of the topics. */
    private void awaitLeaders(Set<String> topics) {
        long deadline = System.nanoTime() + TOPIC_READY_TIMEOUT.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(topics)
                                .allTopicNames()
                                .get(TOPIC_READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                boolean allLed =
                        descriptions.values().stream()
                                .flatMap(d -> d.partitions().stream())
                                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (allLed) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new EmbeddedKafkaException(
                            "could not describe topics "
                                    + topics
                                    + ": "
                                    + e.getCause().getMessage(),
                            e.getCause());
                }
                last = e.getCause();
            } catch (TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedKafkaException(
                        "interrupted while waiting for topics " + topics, e);
            }
            sleep(Duration.ofMillis(20));
        }
        throw new EmbeddedKafkaException(
                "topics "
                        + topics
                        + " have no leader on "
                        + bootstrapServers()
                        + " after "
                        + TOPIC_READY_TIMEOUT.toSeconds()
                        + " s",
                last);
    }

    /**
     * Shuts the server down, waits until it has stopped and deletes the data directory if it was a
     * temporary one. Calling it again does nothing.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            admin.close(ADMIN_CLOSE_TIMEOUT);
            stopServer(server);
            if (deleteDataDirOnClose) {
                deleteRecursively(dataDir);
            }
            LOG.debug("Embedded Kafka at {} stopped", bootstrapServers());
        }
    }

    private void ensureOpen() {
        synchronized (closeLock) {
            if (closed) {
                throw new IllegalStateException(
                        "the embedded Kafka cluster at " + bootstrapServers() + " is closed");
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaCluster[" + bootstrapServers() + ", dataDir=" + dataDir + "]";
    }

    /**
     * Options of an {@link EmbeddedKafkaCluster}; each {@code optXxx} validates its argument and
     * {@link #start()} starts the cluster.
     */
    public static final class Builder {

        private int port;
        private Path dataDir;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Quorum quorum;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();
        private SaslSsl saslSsl;

        private Builder() {}

        /**
         * Clients connect over SASL_SSL with SCRAM ({@value SaslSsl#MECHANISM}) instead of
         * PLAINTEXT, and the broker authorizes every request with {@code StandardAuthorizer} and no
         * access where no ACL allows it; {@value SaslSsl#ADMIN} is the super user the broker and
         * {@link EmbeddedKafkaCluster#clientProperties()} connect as. The SCRAM users are written
         * into the storage when it is formatted, so they exist from the first request. The
         * controller listener stays PLAINTEXT on {@code 127.0.0.1}.
         */
        public Builder optSaslSsl(SaslSsl saslSsl) {
            this.saslSsl = Objects.requireNonNull(saslSsl, "saslSsl");
            return this;
        }

        /**
         * Broker listener port on {@code 127.0.0.1}; 0 (the default) picks a free one. A fixed port
         * that is taken fails the start instead of falling back to another.
         */
        public Builder optPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException(
                        "port must be 0 (pick a free one) or 1..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Directory for the cluster's state, created if missing and kept on {@link
         * EmbeddedKafkaCluster#close()}. An empty directory is formatted; one formatted before is
         * started as it is, with its cluster id and topics. Default: a fresh temporary directory,
         * deleted on close.
         */
        public Builder optDataDir(Path dataDir) {
            Objects.requireNonNull(dataDir, "dataDir");
            if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
                throw new IllegalArgumentException(
                        "dataDir must be a directory, but " + dataDir + " is a file");
            }
            this.dataDir = dataDir.toAbsolutePath();
            return this;
        }

        /**
         * Makes this server node {@code nodeId} of a multi-node cluster whose servers are each
         * broker and controller: {@code controllerPorts} maps every node id to its controller port
         * on {@code 127.0.0.1} (a static quorum), and every node is formatted with {@code
         * clusterId}. The broker port must be fixed with {@link #optPort}. Start every node's JVM
         * before waiting for any: a node serves only once a majority of the quorum is up.
         */
        public Builder optQuorumMember(
                int nodeId, Map<Integer, Integer> controllerPorts, String clusterId) {
            Objects.requireNonNull(clusterId, "clusterId");
            if (!controllerPorts.containsKey(nodeId)) {
                throw new IllegalArgumentException(
                        "node "
                                + nodeId
                                + " is not one of the quorum's "
                                + controllerPorts.keySet());
            }
            this.quorum = new Quorum(nodeId, Map.copyOf(controllerPorts), clusterId);
            return this;
        }

        /** How long {@link #start()} waits for the server to be ready; default 60 s. */
        public Builder optStartTimeout(Duration startTimeout) {
            Objects.requireNonNull(startTimeout, "startTimeout");
            if (startTimeout.isNegative() || startTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "startTimeout must be positive, got " + startTimeout);
            }
            this.startTimeout = startTimeout;
            return this;
        }

        /**
         * Sets or overrides one broker property, e.g. {@code log.retention.ms}. The properties that
         * wire the node ({@link EmbeddedKafkaCluster#RESERVED_PROPERTIES}: listeners, node id,
         * quorum, log dirs) are rejected; use {@link #optPort} and {@link #optDataDir} instead.
         */
        public Builder optBrokerProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (key.isBlank()) {
                throw new IllegalArgumentException("broker property name must not be blank");
            }
            if (RESERVED_PROPERTIES.contains(key.trim())) {
                throw new IllegalArgumentException(
                        "broker property '"
                                + key
                                + "' is set by the embedded cluster itself; use optPort/optDataDir,"
                                + " or one of the other properties. Reserved: "
                                + RESERVED_PROPERTIES.stream().sorted().toList());
            }
            brokerProperties.put(key.trim(), value);
            return this;
        }

        /**
         * Formats the storage if needed, starts the server and waits until it answers.
         *
         * @throws EmbeddedKafkaException if the fixed port is taken, formatting fails or the server
         *     is not ready within the start timeout
         */
        public EmbeddedKafkaCluster start() {
            if (port != 0) {
                requirePortFree(port);
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    return startOnce();
                } catch (EmbeddedKafkaException e) {
                    boolean retry = port == 0 && attempt < MAX_START_ATTEMPTS && isBindFailure(e);
                    if (!retry) {
                        throw e;
                    }
                    LOG.debug("A picked port was taken meanwhile; retrying with new ones", e);
                }
            }
        }

        private EmbeddedKafkaCluster startOnce() {
            long startedAt = System.nanoTime();
            if (quorum != null && port == 0) {
                throw new EmbeddedKafkaException("a quorum member needs a fixed broker port");
            }
            int[] ports = freePorts(quorum != null ? 0 : port == 0 ? 2 : 1);
            int brokerPort = port == 0 ? ports[0] : port;
            int ctrlPort =
                    quorum != null
                            ? quorum.controllerPorts().get(quorum.nodeId())
                            : port == 0 ? ports[1] : ports[0];
            Quorum wiring =
                    quorum != null ? quorum : new Quorum(NODE_ID, Map.of(NODE_ID, ctrlPort), null);

            boolean temporary = dataDir == null;
            Path root = temporary ? createTempDir() : createDir(dataDir);
            KafkaRaftServer server = null;
            Admin admin = null;
            try {
                Path logDir = root.resolve(LOG_DIR_NAME);
                Properties props = serverProperties(brokerPort, ctrlPort, logDir, wiring);
                Path propsFile = root.resolve(SERVER_PROPERTIES_NAME);
                writeProperties(props, propsFile);
                String clusterId = formatIfNeeded(logDir, propsFile, wiring, saslSsl);

                server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
                server.startup();
                Map<String, Object> adminConfig = adminConfig(HOST + ":" + brokerPort);
                if (saslSsl != null) {
                    adminConfig.putAll(
                            saslSsl.clientSecurity(
                                    SaslSsl.ADMIN, saslSsl.users().get(SaslSsl.ADMIN)));
                }
                admin = Admin.create(adminConfig);
                awaitReady(admin, brokerPort, startedAt + startTimeout.toNanos(), startTimeout);

                EmbeddedKafkaCluster cluster =
                        new EmbeddedKafkaCluster(
                                server,
                                admin,
                                brokerPort,
                                ctrlPort,
                                root,
                                temporary,
                                clusterId,
                                saslSsl);
                LOG.info(
                        "Embedded Kafka ready at {} in {} ms (cluster id {}, data dir {})",
                        cluster.bootstrapServers(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt),
                        clusterId,
                        root);
                return cluster;
            } catch (Exception e) { // Scala code may throw checked exceptions undeclared
                if (admin != null) {
                    admin.close(Duration.ZERO);
                }
                if (server != null) {
                    stopServer(server);
                }
                if (temporary) {
                    deleteRecursively(root);
                }
                if (e instanceof EmbeddedKafkaException embedded) {
                    throw embedded;
                }
                throw new EmbeddedKafkaException(
                        "embedded Kafka on "
                                + HOST
                                + ":"
                                + brokerPort
                                + " (controller port "
                                + ctrlPort
                                + ", data dir "
                                + root
                                + ") failed to start: "
                                + e.getMessage(),
                        e);
            }
        }

        private Properties serverProperties(
                int brokerPort, int ctrlPort, Path logDir, Quorum wiring) {
            String listener = saslSsl == null ? BROKER_LISTENER : SASL_SSL_LISTENER;
            String broker = listener + "://" + HOST + ":" + brokerPort;
            String controller = CONTROLLER_LISTENER + "://" + HOST + ":" + ctrlPort;
            Properties props = new Properties();
            // wiring: every node is broker and controller, in a static quorum
            props.put("process.roles", "broker,controller");
            props.put("node.id", Integer.toString(wiring.nodeId()));
            props.put("controller.quorum.voters", wiring.voters());
            props.put("controller.listener.names", CONTROLLER_LISTENER);
            props.put("listeners", broker + "," + controller);
            props.put("advertised.listeners", broker);
            props.put(
                    "listener.security.protocol.map",
                    listener + ":" + listener + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
            props.put("inter.broker.listener.name", listener);
            if (saslSsl != null) {
                props.putAll(saslSsl.brokerProperties());
            }
            props.put("log.dirs", logDir.toString());
            // one node: every internal topic has one replica, and transactions need min ISR 1
            props.put("default.replication.factor", "1");
            props.put("min.insync.replicas", "1");
            props.put("offsets.topic.replication.factor", "1");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            // fast: few partitions for internal topics, no rebalance delay, few threads
            props.put("num.partitions", "1");
            props.put("offsets.topic.num.partitions", "1");
            props.put("transaction.state.log.num.partitions", "1");
            props.put("share.coordinator.state.topic.num.partitions", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("num.network.threads", "2");
            props.put("num.io.threads", "2");
            props.put("background.threads", "2");
            // Replays carry event times from years ago; with time-based retention the broker would
            // delete those records minutes after they were written, in the middle of processing.
            props.put("log.retention.ms", "-1");
            props.put("num.recovery.threads.per.data.dir", "1");
            props.put("num.replica.fetchers", "1");
            // the log cleaner's dedupe buffer defaults to 128 MiB; changelogs here are small
            props.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
            props.put("log.cleaner.threads", "1");
            // the broker gives up waiting for the controller instead of blocking start() forever
            props.put("server.max.startup.time.ms", Long.toString(startTimeout.toMillis()));
            props.putAll(brokerProperties);
            return props;
        }
    }

    /** This node's place in a static quorum; a null cluster id means a fresh random one. */
    private record Quorum(int nodeId, Map<Integer, Integer> controllerPorts, String clusterId) {

        String voters() {
            return controllerPorts.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + "@" + HOST + ":" + e.getValue())
                    .collect(java.util.stream.Collectors.joining(","));
        }
    }

    /**
     * Formats the log directory with Kafka's storage tool unless it already holds a {@code
     * meta.properties}; returns the cluster id it is (now) formatted with.
     */
    private static String formatIfNeeded(
            Path logDir, Path propsFile, Quorum wiring, SaslSsl saslSsl) {
        Path meta = logDir.resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties existing = new Properties();
            try (var in = Files.newInputStream(meta)) {
                existing.load(in);
            } catch (IOException e) {
                throw new EmbeddedKafkaException("could not read " + meta, e);
            }
            String clusterId = existing.getProperty("cluster.id");
            if (clusterId == null
                    || !Integer.toString(wiring.nodeId()).equals(existing.get("node.id"))) {
                throw new EmbeddedKafkaException(
                        meta
                                + " was not written by an embedded cluster (cluster.id="
                                + clusterId
                                + ", node.id="
                                + existing.get("node.id")
                                + ", expected node.id="
                                + wiring.nodeId()
                                + "); choose an empty data dir");
            }
            return clusterId;
        }
        String clusterId =
                wiring.clusterId() != null ? wiring.clusterId() : Uuid.randomUuid().toString();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "format",
                                "--cluster-id",
                                clusterId,
                                "--config",
                                propsFile.toString()));
        if (saslSsl != null) {
            saslSsl.users()
                    .forEach(
                            (user, password) -> {
                                args.add("--add-scram");
                                args.add(
                                        SaslSsl.MECHANISM
                                                + "=[name="
                                                + user
                                                + ",password="
                                                + password
                                                + "]");
                            });
        }
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(args.toArray(String[]::new), out);
        } catch (Exception e) { // Scala code may throw checked exceptions undeclared
            throw new EmbeddedKafkaException(
                    "could not format " + logDir + " for KRaft: " + e.getMessage(), e);
        }
        String printed = output.toString(StandardCharsets.UTF_8).trim();
        if (exitCode != 0) {
            throw new EmbeddedKafkaException(
                    "kafka-storage format of "
                            + logDir
                            + " exited with "
                            + exitCode
                            + ": "
                            + printed);
        }
        LOG.debug("Formatted {}: {}", logDir, printed);
        return clusterId;
    }

    /** Waits until an admin client describes the cluster and sees our broker. */
    private static void awaitReady(Admin admin, int brokerPort, long deadline, Duration timeout) {
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                boolean brokerSeen =
                        admin
                                .describeCluster()
                                .nodes()
                                .get(Math.max(1, remainingMs), TimeUnit.MILLISECONDS)
                                .stream()
                                .anyMatch(node -> node.port() == brokerPort);
                if (brokerSeen) {
                    return;
                }
            } catch (ExecutionException e) {
                last = e.getCause();
            } catch (TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EmbeddedKafkaException(
                        "interrupted while waiting for embedded Kafka on port " + brokerPort, e);
            }
            sleep(Duration.ofMillis(50));
        }
        throw new EmbeddedKafkaException(
                "embedded Kafka on "
                        + HOST
                        + ":"
                        + brokerPort
                        + " was not ready within "
                        + timeout.toMillis()
                        + " ms",
                last);
    }

    private static Map<String, Object> adminConfig(String bootstrapServers) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "segstream-embedded-kafka-admin");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        return config;
    }

    private static void stopServer(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("Embedded Kafka did not shut down cleanly", e);
        }
    }

    /** True if the failure, or one of its causes, is a port that could not be bound. */
    static boolean isBindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("failed to bind"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Distinct free ports on {@code 127.0.0.1}, held open together so they differ. */
    static int[] freePorts(int count) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket();
                sockets.add(socket);
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(loopback(), 0));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } catch (IOException e) {
            throw new EmbeddedKafkaException("could not find a free port on " + HOST, e);
        } finally {
            sockets.forEach(EmbeddedKafkaCluster::closeQuietly);
        }
    }

    private static void requirePortFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port));
        } catch (IOException e) {
            throw new EmbeddedKafkaException(
                    "port "
                            + port
                            + " on "
                            + HOST
                            + " is in use; choose another with optPort, or 0 for a free one",
                    e);
        }
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByName(HOST);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createTempDir() {
        try {
            return Files.createTempDirectory("segstream-kafka-");
        } catch (IOException e) {
            throw new EmbeddedKafkaException(
                    "could not create a temporary directory under "
                            + System.getProperty("java.io.tmpdir"),
                    e);
        }
    }

    private static Path createDir(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new EmbeddedKafkaException("could not create data dir " + dir, e);
        }
    }

    private static void writeProperties(Properties props, Path file) {
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "written by " + EmbeddedKafkaCluster.class.getName());
        } catch (IOException e) {
            throw new EmbeddedKafkaException("could not write " + file, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            LOG.warn("Could not delete {}: {}", dir, e.getMessage());
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("Ignoring failure to close {}", closeable, e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted while waiting for embedded Kafka", e);
        }
    }
}
