package io.segstream.reliability;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.config.Topics;
import io.segstream.app.runtime.ConsumerProgress;
import io.segstream.app.runtime.TopicAdmin;
import io.segstream.app.runtime.TopicReader;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.SegmentModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One scenario from start to verdict: its own topics and application id on the shared broker, the
 * pinned model, the input (on the broker before the first instance starts, or produced live at a
 * steady rate), the instances while the scenario's faults are injected, then the wait until
 * everything is processed, the instances' health, a clean stop and the outputs. The fault plan
 * drives the instances and the broker through this class.
 */
final class ScenarioRun {

    /** The faults of one scenario, injected while the input is being produced. */
    interface Plan {
        void run(ScenarioRun run) throws Exception;
    }

    private final String name;
    private final BrokerCluster brokers;
    private final Path launcher;
    private final Path workDir;
    private final boolean staticMembers;
    private final Map<String, String> settings = new HashMap<>();
    private final SegstreamConfig config;
    private final List<AppInstance> instances = new CopyOnWriteArrayList<>();
    private final List<PartitionStalls.Stall> stalls = new ArrayList<>();
    private PartitionStalls partitionStalls;
    private double lookupGap = Double.NaN;
    private final AtomicLong produced = new AtomicLong();
    private int started;
    private volatile long inputSize;
    private volatile boolean live;

    ScenarioRun(
            String name,
            BrokerCluster brokers,
            Path launcher,
            Path workDir,
            int partitions,
            boolean staticMembers,
            Map<String, String> extraSettings) {
        this.name = name;
        this.staticMembers = staticMembers;
        this.brokers = brokers;
        this.launcher = launcher;
        this.workDir = workDir;
        settings.put(SegstreamConfig.APPLICATION_ID_CONFIG, "rel-" + name);
        settings.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, "rel-" + name + ".");
        settings.put(
                SegstreamConfig.REPLICATION_FACTOR_CONFIG, Integer.toString(brokers.replicas()));
        settings.put(SegstreamConfig.INPUT_PARTITIONS_CONFIG, Integer.toString(partitions));
        // a pinned model and no wall-clock aging passes: the result depends on the input only
        settings.put(SegstreamConfig.LEARNING_ENABLED_CONFIG, "false");
        settings.put(SegstreamConfig.AGING_INTERVAL_MS_CONFIG, "0");
        settings.put("kafka.num.stream.threads", "1");
        settings.putAll(extraSettings);
        Map<String, Object> all = new HashMap<>(settings);
        all.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrapServers());
        this.config = new SegstreamConfig(all);
    }

    String name() {
        return name;
    }

    Topics topics() {
        return config.topics();
    }

    SegstreamConfig config() {
        return config;
    }

    String applicationId() {
        return config.getString(SegstreamConfig.APPLICATION_ID_CONFIG);
    }

    BrokerCluster brokers() {
        return brokers;
    }

    List<AppInstance> instances() {
        return instances;
    }

    /**
     * Share of the input done so far: acknowledged by the broker when it is produced live, or
     * committed by the application when it was all on the broker before the first instance started.
     */
    double progressShare() {
        if (live) {
            return inputSize == 0 ? 0 : (double) produced.get() / inputSize;
        }
        return partitionStalls.inputShare();
    }

    /** Creates the topics and publishes the pinned model. */
    void prepare(SegmentModel model) throws Exception {
        TopicAdmin.ensureTopics(config);
        partitionStalls =
                new PartitionStalls(
                        brokers.bootstrapServers(),
                        applicationId(),
                        List.of(topics().orders(), topics().clicks()),
                        ConsumerProgress.repartitionTopics(config));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(
                            new ProducerRecord<>(
                                    topics().segmentModel(),
                                    "v" + model.getVersion(),
                                    AvroCodec.of(SegmentModel.class).encode(model)))
                    .get();
        }
    }

    /** Starts a new instance and waits until it is ready; returns it. */
    AppInstance startInstance() throws Exception {
        return startInstances(1).get(0);
    }

    /**
     * Starts {@code n} new instances at once, so that they join the group together rather than one
     * after the other over a backlog, and waits until all are ready.
     */
    List<AppInstance> startInstances(int n) throws Exception {
        List<AppInstance> launched = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            AppInstance instance =
                    new AppInstance(
                            name + "-" + (++started),
                            launcher,
                            brokers.bootstrapServers(),
                            settings,
                            workDir,
                            staticMembers);
            instance.start();
            instances.add(instance);
            launched.add(instance);
        }
        for (AppInstance instance : launched) {
            awaitReady(instance);
        }
        return launched;
    }

    /** Starts {@code instance} again (same state dir and port), and waits until it is ready. */
    void restart(AppInstance instance) throws Exception {
        instance.start();
        awaitReady(instance);
    }

    private static void awaitReady(AppInstance instance) throws Exception {
        if (!instance.awaitReady(Duration.ofMinutes(3))) {
            throw new IllegalStateException(
                    "instance " + instance.name() + " did not become ready; see " + instance.log());
        }
    }

    /**
     * A fault being measured: from the moment before it, whom it hit, and the measurement running
     * meanwhile, so that the plan can go on (restart the victim) while the survivors are watched.
     */
    record Fault(String victim, CompletableFuture<PartitionStalls.Stall> stall) {}

    /** Marks the moment just before a fault that hits no instance (a broker, a new member). */
    Fault fault() {
        return measure(null);
    }

    /** Marks the moment just before {@code victim} is killed or stopped. */
    Fault fault(AppInstance victim) {
        return measure(victim.name());
    }

    private Fault measure(String victim) {
        PartitionStalls.Snapshot at = partitionStalls.snapshot();
        CompletableFuture<PartitionStalls.Stall> stall = new CompletableFuture<>();
        Thread t =
                new Thread(
                        () -> {
                            try {
                                stall.complete(
                                        partitionStalls.await(at, victim, Duration.ofMinutes(5)));
                            } catch (Throwable e) {
                                stall.completeExceptionally(e);
                            }
                        },
                        name + "-stall");
        t.setDaemon(true);
        t.start();
        return new Fault(victim, stall);
    }

    /**
     * Waits until every partition the application reads has moved on since the fault (or had
     * nothing to do), and records how long each instance's partitions were held up.
     */
    void awaitRecovery(Fault fault) throws Exception {
        PartitionStalls.Stall stall = fault.stall().get();
        stalls.add(stall);
        System.out.printf(
                Locale.ROOT,
                "  fault%s: survivors' input partitions %.1f s, their repartition partitions"
                        + " %.1f s; %s %.1f s; all %.1f s%n",
                fault.victim() == null ? "" : " on " + fault.victim(),
                stall.survivorsInput(),
                stall.survivorsRepartition(),
                fault.victim() == null ? "victim's" : fault.victim() + "'s",
                stall.victims(),
                stall.group());
    }

    List<PartitionStalls.Stall> stalls() {
        return stalls;
    }

    /** The longest gap in successful lookups during the run, in seconds. */
    double lookupGap() {
        return lookupGap;
    }

    /**
     * Puts the whole input (and {@code fuzz}, if any) on the broker before any instance starts, so
     * that every task merges a user's clicks and orders by event time: with data known to be on the
     * broker a task waits to fetch it rather than go on without it. Call before {@link
     * #startInstance()} and {@link #drive}.
     */
    void produceBacklog(RecordedInput input, FuzzInput fuzz) throws InterruptedException {
        inputSize = input.events().size();
        input.produce(brokers.bootstrapServers(), config, Double.POSITIVE_INFINITY, produced, fuzz);
    }

    /**
     * Runs {@code plan} while the instances process the input, then waits until everything is
     * processed; returns how many instances were not RUNNING at the end. With {@code rate} above 0
     * the input is produced live at that rate meanwhile, and {@code fuzz} mixed into it; otherwise
     * {@link #produceBacklog} must have put it on the broker already.
     */
    int drive(RecordedInput input, double rate, Plan plan, FuzzInput fuzz) throws Exception {
        Thread producer = null;
        if (rate > 0) {
            live = true;
            inputSize = input.events().size();
            producer =
                    new Thread(
                            () -> {
                                try {
                                    input.produce(
                                            brokers.bootstrapServers(),
                                            config,
                                            rate,
                                            produced,
                                            fuzz);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            name + "-producer");
            producer.start();
        }
        try (LookupProbe probe = new LookupProbe(() -> instances, input.earlyUsers(50)).start()) {
            plan.run(this);
            if (producer != null) {
                producer.join();
            }
            awaitProcessed(input);
            lookupGap = probe.longestGapSeconds();
        }
        int notRunning = 0;
        for (AppInstance instance : instances) {
            if (instance.alive() && !instance.health().contains("RUNNING")) {
                notRunning++;
            }
        }
        return notRunning;
    }

    private void awaitProcessed(RecordedInput input) throws Exception {
        if (produced.get() != input.events().size()) {
            throw new IllegalStateException(
                    name
                            + ": "
                            + produced.get()
                            + " of "
                            + input.events().size()
                            + " input events acknowledged");
        }
        try (ConsumerProgress progress = new ConsumerProgress(config.kafkaClientProperties())) {
            progress.await(
                    applicationId(),
                    List.of(topics().orders(), topics().clicks()),
                    ConsumerProgress.repartitionTopics(config),
                    Duration.ofMinutes(15));
        }
    }

    /** Dead letters by their {@code segstream.reason} header, read_committed. */
    Map<String, Long> deadLetters() {
        Map<String, Long> reasons = new TreeMap<>();
        // tombstones too: the dead letter of a record without a value has none either
        TopicReader.forEach(
                config.kafkaClientProperties(),
                List.of(topics().dlq()),
                r -> {
                    Header h = r.headers().lastHeader("segstream.reason");
                    String reason =
                            h == null ? "(none)" : new String(h.value(), StandardCharsets.UTF_8);
                    reasons.merge(reason, 1L, Long::sum);
                });
        return reasons;
    }

    /** SIGTERM to every instance still running. */
    void stopAll() throws InterruptedException {
        for (AppInstance instance : instances) {
            if (instance.alive()) {
                instance.terminate();
            }
        }
        if (partitionStalls != null) {
            partitionStalls.close();
        }
    }
}
