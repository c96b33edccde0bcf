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
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One scenario from start to verdict: its own topics and application id on the shared broker, the
 * pinned model, the instances, the input produced at a steady rate while the scenario's faults are
 * injected, then the wait until everything is processed, the instances' health, a clean stop and
 * the outputs. The fault plan drives the instances and the broker through this class.
 */
final class ScenarioRun {

    /** The faults of one scenario, injected while the input is being produced. */
    interface Plan {
        void run(ScenarioRun run) throws Exception;
    }

    private final String name;
    private final BrokerNode broker;
    private final Path launcher;
    private final Path workDir;
    private final boolean staticMembers;
    private final Map<String, String> settings = new HashMap<>();
    private final SegstreamConfig config;
    private final List<AppInstance> instances = new ArrayList<>();
    private final List<Double> recoveries = new ArrayList<>();
    private final AtomicLong produced = new AtomicLong();
    private int started;
    private volatile long inputSize;

    ScenarioRun(
            String name,
            BrokerNode broker,
            Path launcher,
            Path workDir,
            int partitions,
            boolean staticMembers,
            Map<String, String> extraSettings) {
        this.name = name;
        this.staticMembers = staticMembers;
        this.broker = broker;
        this.launcher = launcher;
        this.workDir = workDir;
        settings.put(SegstreamConfig.APPLICATION_ID_CONFIG, "rel-" + name);
        settings.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, "rel-" + name + ".");
        settings.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
        settings.put(SegstreamConfig.INPUT_PARTITIONS_CONFIG, Integer.toString(partitions));
        // a pinned model and no wall-clock aging passes: the result depends on the input only
        settings.put(SegstreamConfig.LEARNING_ENABLED_CONFIG, "false");
        settings.put(SegstreamConfig.AGING_INTERVAL_MS_CONFIG, "0");
        settings.put("kafka.num.stream.threads", "1");
        settings.putAll(extraSettings);
        Map<String, Object> all = new HashMap<>(settings);
        all.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        this.config = new SegstreamConfig(all);
    }

    String name() {
        return name;
    }

    Topics topics() {
        return config.topics();
    }

    String applicationId() {
        return config.getString(SegstreamConfig.APPLICATION_ID_CONFIG);
    }

    BrokerNode broker() {
        return broker;
    }

    List<AppInstance> instances() {
        return instances;
    }

    /** Share of the input acknowledged by the broker so far. */
    double progressShare() {
        return inputSize == 0 ? 0 : (double) produced.get() / inputSize;
    }

    /** Creates the topics and publishes the pinned model. */
    void prepare(SegmentModel model) throws Exception {
        TopicAdmin.ensureTopics(config);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
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
        AppInstance instance =
                new AppInstance(
                        name + "-" + (++started),
                        launcher,
                        broker.bootstrapServers(),
                        settings,
                        workDir,
                        staticMembers);
        instance.start();
        instances.add(instance);
        awaitReady(instance);
        return instance;
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

    /** What {@link #awaitRecovery} measures from: the moment of a fault and the progress then. */
    record Fault(long nanos, long committed) {}

    /** Marks the moment just before a fault is injected. */
    Fault fault() {
        return new Fault(System.nanoTime(), committed());
    }

    /**
     * Waits until the application has committed progress on its input beyond what it had at the
     * fault, and records how long that took: the stall the fault caused for the whole group (the
     * surviving instances included).
     */
    void awaitRecovery(Fault fault) throws Exception {
        long before = fault.committed();
        long faultNanos = fault.nanos();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        // a fault after the input ended has nothing to hold up: caught up counts as recovered
        while (committed() <= before && !caughtUp()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": no progress within 5 minutes of a fault");
            }
            Thread.sleep(100);
        }
        recoveries.add((System.nanoTime() - faultNanos) / 1e9);
    }

    /** Sum of the group's committed offsets on the input topics; -1 while it cannot be read. */
    private long committed() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(p)) {
            return admin
                    .listConsumerGroupOffsets(applicationId())
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .entrySet()
                    .stream()
                    .filter(
                            e ->
                                    e.getKey().topic().equals(topics().orders())
                                            || e.getKey().topic().equals(topics().clicks()))
                    .mapToLong(e -> e.getValue() == null ? 0 : e.getValue().offset())
                    .sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** True when the group has committed every input record produced so far. */
    private boolean caughtUp() {
        try (ConsumerProgress progress = new ConsumerProgress(config.kafkaClientProperties())) {
            return progress.caughtUp(applicationId(), List.of(topics().orders(), topics().clicks()))
                    && committed() > 0;
        } catch (Exception e) {
            return false;
        }
    }

    List<Double> recoveries() {
        return recoveries;
    }

    /**
     * Produces the input at {@code rate} while {@code plan} runs, then waits until everything is
     * processed; returns how many instances were not RUNNING at the end.
     */
    int drive(RecordedInput input, double rate, Plan plan) throws Exception {
        return drive(input, rate, plan, null);
    }

    /** As {@link #drive(RecordedInput, double, Plan)}, with {@code fuzz} mixed into the input. */
    int drive(RecordedInput input, double rate, Plan plan, FuzzInput fuzz) throws Exception {
        inputSize = input.events().size();
        Thread producer =
                new Thread(
                        () -> {
                            try {
                                input.produce(
                                        broker.bootstrapServers(), topics(), rate, produced, fuzz);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        name + "-producer");
        producer.start();
        plan.run(this);
        producer.join();
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
        int notRunning = 0;
        for (AppInstance instance : instances) {
            if (instance.alive() && !instance.health().contains("RUNNING")) {
                notRunning++;
            }
        }
        return notRunning;
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
    }
}
