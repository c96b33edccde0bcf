package io.segstream.bench;

import io.micrometer.core.instrument.Counter;
import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.ConsumerProgress;
import io.segstream.app.runtime.QualityTimeline;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.app.runtime.TopicAdmin;
import io.segstream.app.runtime.TopicReader;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.dataset.ShopperSimulator;
import io.segstream.core.profile.ProfileCodec;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.SegmentChange;
import io.segstream.schemas.SegmentChangeType;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;

/**
 * The scale benchmark of issue 9 ({@code bench/run-scale}): a broker in its own JVM, millions of
 * generated events of a real shop's population (the scale catalog, 30 % unique searches) pre-loaded
 * on 4 partitions, then, on the same broker and input, each from a fresh application id with
 * exactly-once v2:
 *
 * <ol>
 *   <li>a plain Kafka Streams {@code groupByKey().count()};
 *   <li>segstream with learning on, followed by a live phase at a fixed rate for the freshness.
 * </ol>
 *
 * <p>Rates are steady state: records processed between the first and the last record processed,
 * divided by the time between them, from counters sampled every {@value #SAMPLE_MS} ms (Kafka
 * Streams' {@code process-total} for the count, {@code segstream.events}, the events applied to
 * profiles, for segstream); start-up before the first record is left out. The last line is the
 * result line; see BENCHMARKS.md for the figures and how to read them.
 */
public final class ScaleBenchmark {

    static final long SAMPLE_MS = 50;
    private static final String PREFIX = "scale.";
    private static final Duration STALL = Duration.ofMinutes(5);
    private static final PrintStream OUT = System.out;

    /** Command-line options. */
    static final class Options {
        int users = 100_000;
        long events = 0;
        long seed = 42;
        double liveRate = 0;
        int liveSeconds = 20;
        Path jfr;
        Path workDir;
        String brokerHeap = "1g";
        boolean skipCount;
        final Map<String, String> settings = new LinkedHashMap<>();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith("-D") && a.length() > 2) {
                    o.set(a.substring(2));
                    continue;
                }
                switch (a) {
                    case "--users" -> o.users = Integer.parseInt(args[++i]);
                    case "--events" -> o.events = Long.parseLong(args[++i]);
                    case "--seed" -> o.seed = Long.parseLong(args[++i]);
                    case "--live-rate" -> o.liveRate = Double.parseDouble(args[++i]);
                    case "--live-seconds" -> o.liveSeconds = Integer.parseInt(args[++i]);
                    case "--jfr" -> o.jfr = Path.of(args[++i]).toAbsolutePath();
                    case "--work-dir" -> o.workDir = Path.of(args[++i]).toAbsolutePath();
                    case "--broker-heap" -> o.brokerHeap = args[++i];
                    case "--skip-count" -> o.skipCount = true;
                    case "-D", "--set" -> o.set(args[++i]);
                    default ->
                            throw new IllegalArgumentException(
                                    "Unknown option '"
                                            + a
                                            + "'. Options: --users N --events N --seed S"
                                            + " --live-rate EV_PER_S --live-seconds S --jfr FILE"
                                            + " --work-dir DIR --broker-heap SIZE --skip-count"
                                            + " -D key=value");
                }
            }
            if (o.users < 1) {
                throw new IllegalArgumentException("--users must be at least 1, not " + o.users);
            }
            return o;
        }

        private void set(String keyValue) {
            int eq = keyValue.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException(
                        "-D takes key=value, e.g. -D kafka.commit.interval.ms=1000; got '"
                                + keyValue
                                + "'");
            }
            settings.put(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
        }
    }

    /** A steady-state rate from sampled counters. */
    record Rate(long records, double firstSeconds, double lastSeconds, double midRate) {
        double perSecond() {
            double span = lastSeconds - firstSeconds;
            return span > 0 ? records / span : Double.NaN;
        }
    }

    private ScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        long wallStart = System.nanoTime();
        Path work =
                o.workDir != null
                        ? Files.createDirectories(o.workDir)
                        : Files.createTempDirectory("segstream-scale");
        String runId = Long.toString(System.currentTimeMillis(), 36);
        Result result = new Result();
        OUT.printf(
                Locale.ROOT,
                "scale benchmark: %,d users, %s events, seed %d, %d cores, bench heap max %d MiB;"
                        + " work dir %s%n",
                o.users,
                o.events > 0 ? String.format(Locale.ROOT, "%,d", o.events) : "all generated",
                o.seed,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                work);
        BrokerProcess broker = null;
        Thread cleanup = null;
        try {
            broker =
                    BrokerProcess.start(
                            work.resolve("broker"), o.brokerHeap, work.resolve("broker.log"));
            BrokerProcess b = broker;
            // Ctrl-C: stop the broker JVM (it deletes its log dir) and remove the work dir
            cleanup =
                    new Thread(
                            () -> {
                                b.close();
                                if (o.workDir == null) {
                                    ScaleFiles.deleteRecursively(work);
                                }
                            },
                            "scale-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            OUT.printf(
                    "broker: own JVM (pid %d, heap %s) on %s%n",
                    broker.pid(), o.brokerHeap, broker.bootstrapServers());

            SegstreamConfig segConfig = segstreamConfig(o, broker, work, runId);
            TopicAdmin.ensureTopics(segConfig);
            Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            ShopperSimulator simulator =
                    ShopperSimulator.atScale(end, ShopperSimulator.DEFAULT_WINDOW);
            ScaleInput.Loaded in =
                    ScaleInput.load(
                            simulator,
                            o.users,
                            o.seed,
                            o.events,
                            work,
                            broker.bootstrapServers(),
                            segConfig.topics().clicks(),
                            segConfig.topics().orders());
            result.events = in.events();
            result.users = in.users();
            OUT.printf(
                    Locale.ROOT,
                    "input: %,d events of %,d users produced in %.1f s to %s and %s (4 partitions);"
                            + " mix %s; %,d distinct titles; %,d searches, %.1f %% unique%n",
                    in.events(),
                    in.users(),
                    in.seconds(),
                    segConfig.topics().clicks(),
                    segConfig.topics().orders(),
                    in.mix(),
                    in.distinctTitles(),
                    in.searches(),
                    100.0 * in.uniqueSearches() / Math.max(1, in.searches()));

            if (!o.skipCount) {
                result.count = runCount(o, broker, work, runId, in.events());
            }
            runSegstream(o, broker, segConfig, simulator, in, result);
        } catch (Exception e) {
            result.failure = e.getClass().getSimpleName() + ": " + e.getMessage();
            e.printStackTrace();
        } finally {
            if (broker != null) {
                broker.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException e) {
                    // shutting down already: the hook closes the broker (twice is harmless)
                }
            }
            if (o.workDir == null) {
                ScaleFiles.deleteRecursively(work);
            }
        }
        result.wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        OUT.println();
        OUT.println(result.line());
        OUT.flush();
        System.exit(result.failure == null ? 0 : 1);
    }

    private static Map<String, Object> common(
            Options o, BrokerProcess broker, Path work, String appId) {
        Map<String, Object> s = new HashMap<>();
        s.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        s.put(SegstreamConfig.APPLICATION_ID_CONFIG, appId);
        s.put(SegstreamConfig.TOPIC_PREFIX_CONFIG, PREFIX);
        s.put(SegstreamConfig.STATE_DIR_CONFIG, work.resolve("state-" + appId).toString());
        s.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
        s.put(SegstreamConfig.INPUT_PARTITIONS_CONFIG, "4");
        s.put(SegstreamConfig.REST_PORT_CONFIG, "0");
        s.put(SegstreamConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        s.put("kafka.num.stream.threads", "2");
        // Kafka Streams settings apply to both runs, so that they compare like with like
        o.settings.forEach(
                (k, v) -> {
                    if (k.startsWith("kafka.")) {
                        s.put(k, v);
                    }
                });
        return s;
    }

    static SegstreamConfig segstreamConfig(
            Options o, BrokerProcess broker, Path work, String runId) {
        // segstream's own defaults: the model loop's records are bounded now, 500 seed users too
        Map<String, Object> s = common(o, broker, work, "scale-seg-" + runId);
        s.putAll(o.settings);
        return new SegstreamConfig(s);
    }

    private static Rate runCount(
            Options o, BrokerProcess broker, Path work, String runId, long events)
            throws Exception {
        SegstreamConfig config =
                new SegstreamConfig(common(o, broker, work, "scale-count-" + runId));
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(
                        List.of(config.topics().clicks(), config.topics().orders()),
                        Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .groupByKey()
                .count(Materialized.as("counts"));
        Properties p = config.streamsProperties();
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:1");
        var os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        try (KafkaStreams streams = new KafkaStreams(builder.build(), p)) {
            streams.start();
            Rate rate =
                    await(
                            "plain count",
                            () -> threadMetric(streams, "process-total"),
                            events,
                            () -> streams.state(),
                            start);
            String appId = config.getString(SegstreamConfig.APPLICATION_ID_CONFIG);
            try (ConsumerProgress progress = new ConsumerProgress(config.kafkaClientProperties())) {
                progress.await(
                        appId,
                        List.of(config.topics().clicks(), config.topics().orders()),
                        List.of(),
                        Duration.ofMinutes(5));
            }
            long cpu = os.getProcessCpuTime() - cpuStart;
            OUT.printf(
                    Locale.ROOT,
                    "plain count: %,d events, first processed at %.1f s, last at %.1f s:"
                            + " %.0f events/s steady (%.0f events/s over 10-90 %%);"
                            + " all committed at %.1f s; bench JVM CPU %.1f s (%.3f s per 1,000"
                            + " events)%n",
                    events,
                    rate.firstSeconds(),
                    rate.lastSeconds(),
                    rate.perSecond(),
                    rate.midRate(),
                    (System.nanoTime() - start) / 1e9,
                    cpu / 1e9,
                    cpu / 1e9 / events * 1000);
            return rate;
        }
    }

    private static void runSegstream(
            Options o,
            BrokerProcess broker,
            SegstreamConfig config,
            ShopperSimulator simulator,
            ScaleInput.Loaded in,
            Result result)
            throws Exception {
        long events = in.events();
        var os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        ManagementFactory.getMemoryMXBean().gc();
        String appId = config.getString(SegstreamConfig.APPLICATION_ID_CONFIG);
        OUT.printf(
                "segstream: application id %s, settings %s%n",
                appId,
                config.describe().entrySet().stream()
                        .filter(
                                e ->
                                        e.getKey().startsWith("kafka.")
                                                || e.getKey().startsWith("kmeans.")
                                                || o.settings.containsKey(e.getKey()))
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList());
        if (!o.settings.isEmpty()) {
            List<String> unknown =
                    o.settings.keySet().stream()
                            .filter(
                                    k ->
                                            !k.startsWith("kafka.")
                                                    && !k.startsWith("encoder.")
                                                    && !SegstreamConfig.CONFIG.names().contains(k))
                            .toList();
            if (!unknown.isEmpty()) {
                OUT.println(
                        "segstream: settings this build does not know (passed on, ignored): "
                                + unknown);
            }
        }
        Recording jfr = null;
        if (o.jfr != null) {
            jfr = new Recording(Configuration.getConfiguration("profile"));
            jfr.setName("segstream-scale");
            jfr.setDestination(o.jfr);
            jfr.start();
        }
        long cpuStart = os.getProcessCpuTime();
        Duration brokerCpuStart = broker.cpu().orElse(Duration.ZERO);
        long start = System.nanoTime();
        Path stateDir = Path.of(config.getString(SegstreamConfig.STATE_DIR_CONFIG));
        try (SegstreamApp app = SegstreamApp.start(config);
                ModelAdoption adoption = new ModelAdoption(app.registry(), SAMPLE_MS)) {
            QualityTimeline quality = new QualityTimeline(in.thresholds(), in::persona);
            Rate rate =
                    await(
                            "segstream",
                            () -> {
                                quality.poll(app);
                                return counter(app, "segstream.events");
                            },
                            events,
                            () -> app.streams().state(),
                            start);
            try (ConsumerProgress progress = new ConsumerProgress(config.kafkaClientProperties())) {
                progress.await(
                        appId,
                        List.of(config.topics().clicks(), config.topics().orders()),
                        ConsumerProgress.repartitionTopics(config),
                        Duration.ofMinutes(5));
            }
            double committedAt = (System.nanoTime() - start) / 1e9;
            quality.end(app);
            result.quality = quality.line();
            OUT.printf(
                    "segstream: quality over the backlog (ARI vs planted personas over users with"
                            + " %d+ events by then; segment changes per user so far): %s; %s%n",
                    QualityTimeline.MIN_EVENTS, result.quality, QualityTimeline.byType(app));
            long cpu = os.getProcessCpuTime() - cpuStart;
            Duration brokerCpu = broker.cpu().orElse(Duration.ZERO).minus(brokerCpuStart);
            if (jfr != null) {
                jfr.stop();
                jfr.close();
                OUT.println("segstream: JFR recording of the backlog written to " + o.jfr);
            }
            result.segstream = rate;
            result.cpuPerThousand = cpu / 1e9 / events * 1000;
            OUT.printf(
                    Locale.ROOT,
                    "segstream: %,d events, first processed at %.1f s, last at %.1f s:"
                            + " %.0f events/s steady (%.0f events/s over 10-90 %%);"
                            + " all committed at %.1f s; bench JVM CPU %.1f s (%.3f s per 1,000"
                            + " events), broker JVM CPU %.1f s%n",
                    events,
                    rate.firstSeconds(),
                    rate.lastSeconds(),
                    rate.perSecond(),
                    rate.midRate(),
                    committedAt,
                    cpu / 1e9,
                    result.cpuPerThousand,
                    brokerCpu.toMillis() / 1e3);

            ManagementFactory.getMemoryMXBean().gc();
            result.heapMiB =
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
            long[] profiles = profiles(app);
            result.profiles = profiles[0];
            OUT.printf(
                    Locale.ROOT,
                    "segstream: heap used after GC %.0f MiB (max %d MiB); %,d profiles, encoded"
                            + " profile %.0f bytes on average; state dir %.1f MiB on disk while"
                            + " running (memtables not yet flushed)%n",
                    result.heapMiB,
                    Runtime.getRuntime().maxMemory() >> 20,
                    profiles[0],
                    (double) profiles[1] / Math.max(1, profiles[0]),
                    ScaleFiles.size(stateDir) / 1048576.0);

            for (String topic :
                    List.of(config.topics().centroidDeltas(), config.topics().segmentModel())) {
                List<Integer> sizes =
                        TopicReader.readAll(
                                config.kafkaClientProperties(),
                                List.of(topic),
                                ConsumerRecord::serializedValueSize);
                int max = sizes.stream().mapToInt(Integer::intValue).max().orElse(0);
                OUT.printf(
                        Locale.ROOT,
                        "segstream: %s: %,d records, largest %,d bytes%n",
                        topic,
                        sizes.size(),
                        max);
                if (max > result.largestModelRecord) {
                    result.largestModelRecord = max;
                    result.largestModelTopic = topic;
                }
            }
            result.rescore = rescoreSweep(app);
            OUT.println("segstream: re-score sweep: " + result.rescore);
            OUT.println(
                    "segstream: model adoption during the backlog (publish -> every task scoring"
                            + " with it, re-scores included): "
                            + adoption.summary());
            result.adoptionMaxMillis = adoption.maxMillis();
            Counter dlq = app.registry().find("segstream.dlq.records").counter();
            OUT.printf(
                    Locale.ROOT,
                    "segstream: dead-lettered %.0f records; model version %s%n",
                    dlq == null ? 0 : dlq.count(),
                    gauge(app, "segstream.model.version"));

            freshness(o, broker, config, app, simulator, rate, result);
            OUT.println("segstream: model adoption, backlog and live phase: " + adoption.summary());
        }
        // closing flushes RocksDB's memtables: only now is the state dir's size the stores' size
        result.rocksBytes = ScaleFiles.size(stateDir);
        OUT.printf(
                Locale.ROOT,
                "segstream: state dir (RocksDB, checkpoints) %.1f MiB on disk after close ="
                        + " %.0f bytes per profile%n",
                result.rocksBytes / 1048576.0,
                (double) result.rocksBytes / Math.max(1, result.profiles));
    }

    /**
     * The re-score sweep after a new major version, from its meters: the slowest task's last
     * re-score pass, the passes completed and the users the sweep re-scored.
     */
    private static String rescoreSweep(SegstreamApp app) {
        var registry = app.registry();
        double slowest =
                registry.find("segstream.rescore.sweep.last.rescore.seconds").gauges().stream()
                        .mapToDouble(g -> g.value())
                        .filter(Double::isFinite)
                        .max()
                        .orElse(Double.NaN);
        var passes = registry.find("segstream.rescore.sweep.passes").counter();
        var rescored =
                registry.find("segstream.rescore.sweep.users").tag("reason", "new_major").counter();
        if (passes == null) {
            return "n/a (no segstream_rescore_* metrics in this build)";
        }
        return String.format(
                Locale.ROOT,
                "last re-score pass %.1f s (slowest task), %.0f passes, %.0f users re-scored",
                slowest,
                passes.count(),
                rescored == null ? 0 : rescored.count());
    }

    /**
     * The live phase: generated events of new and known users sent at a fixed rate, each stamped
     * with the wall clock as it is sent; a read_committed consumer of segment-changes measures, for
     * each change an event caused, the time from the event to the change being readable.
     */
    private static void freshness(
            Options o,
            BrokerProcess broker,
            SegstreamConfig config,
            SegstreamApp app,
            ShopperSimulator simulator,
            Rate backlog,
            Result result)
            throws Exception {
        double rate =
                o.liveRate > 0
                        ? o.liveRate
                        : Math.max(20, Math.min(500, 0.5 * backlog.perSecond()));
        int total = (int) Math.round(rate * o.liveSeconds);
        if (total < 1) {
            return;
        }
        List<ShopEvent> live = simulator.simulate(Math.max(50, total / 20), o.seed + 1).events();
        live = live.subList(0, Math.min(total, live.size()));
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AvroCodec<SegmentChange> codec = AvroCodec.of(SegmentChange.class);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong otherChanges = new AtomicLong();
        long liveStart = System.currentTimeMillis();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "scale-freshness-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(config.topics().segmentChanges())
                .forEach(
                        i ->
                                partitions.add(
                                        new TopicPartition(
                                                config.topics().segmentChanges(), i.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before the first event
        Thread reader =
                new Thread(
                        () -> {
                            while (!stop.get()) {
                                for (var r : consumer.poll(Duration.ofMillis(20))) {
                                    long received = System.currentTimeMillis();
                                    SegmentChange c = codec.decode(r.value());
                                    long t = c.getEventTime().toEpochMilli();
                                    if (t < liveStart) {
                                        continue;
                                    }
                                    // a re-score's changes carry stream time, not an event's
                                    if (c.getChangeType() == SegmentChangeType.FIRST_ASSIGNMENT
                                            || c.getChangeType() == SegmentChangeType.MOVED) {
                                        latencies.add(received - t);
                                    } else {
                                        otherChanges.incrementAndGet();
                                    }
                                }
                            }
                            consumer.close();
                        },
                        "scale-freshness-reader");
        reader.start();
        double before = counter(app, "segstream.events");
        try (KafkaProducer<String, byte[]> producer =
                ScaleInput.producer(broker.bootstrapServers())) {
            long t0 = System.nanoTime();
            for (int i = 0; i < live.size(); i++) {
                long due = t0 + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                ShopEvent g = live.get(i);
                // even users are known customers coming back, odd ones new customers
                int n = Integer.parseInt(g.userId().substring(1));
                String user = n % 2 == 0 ? g.userId() : "live-" + g.userId();
                ShopEvent e = ScaleInput.restamp(g, user, System.currentTimeMillis());
                producer.send(
                        new ProducerRecord<>(
                                ScaleInput.kind(e).isOrder()
                                        ? config.topics().orders()
                                        : config.topics().clicks(),
                                null,
                                e.time(),
                                user,
                                ScaleInput.encode(e)));
                producer.flush();
            }
        }
        // let the last events through and their changes commit
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (counter(app, "segstream.events") < before + live.size()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(2_000);
        stop.set(true);
        reader.join(10_000);
        List<Long> sorted;
        synchronized (latencies) {
            sorted = new ArrayList<>(latencies);
        }
        Collections.sort(sorted);
        result.freshnessSamples = sorted.size();
        if (!sorted.isEmpty()) {
            result.p50 = percentile(sorted, 0.50);
            result.p99 = percentile(sorted, 0.99);
        }
        OUT.printf(
                Locale.ROOT,
                "freshness: %,d live events at %.0f events/s; %,d first assignments and moves"
                        + " read (read_committed) p50 %s ms, p99 %s ms, max %s ms; %,d other"
                        + " changes (re-scores) left out%n",
                live.size(),
                rate,
                sorted.size(),
                sorted.isEmpty() ? "n/a" : result.p50,
                sorted.isEmpty() ? "n/a" : result.p99,
                sorted.isEmpty() ? "n/a" : sorted.get(sorted.size() - 1),
                otherChanges.get());
    }

    static long percentile(List<Long> sorted, double q) {
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /**
     * Waits until {@code counter} reaches {@code target}, sampling it every {@value #SAMPLE_MS} ms;
     * fails when the client dies or nothing moves for {@link #STALL}.
     */
    static Rate await(
            String what,
            DoubleSupplier counter,
            long target,
            Supplier<KafkaStreams.State> state,
            long start)
            throws InterruptedException {
        List<double[]> samples = new ArrayList<>(); // seconds, count
        double last = -1;
        long lastMove = System.nanoTime();
        long lastPrint = System.nanoTime();
        while (true) {
            double count = counter.getAsDouble();
            double now = (System.nanoTime() - start) / 1e9;
            if (count > 0) {
                samples.add(new double[] {now, count});
            }
            if (count >= target) {
                break;
            }
            KafkaStreams.State s = state.get();
            if (s == KafkaStreams.State.ERROR
                    || s == KafkaStreams.State.PENDING_ERROR
                    || s == KafkaStreams.State.NOT_RUNNING
                    || s == KafkaStreams.State.PENDING_SHUTDOWN) {
                throw new IllegalStateException(
                        String.format(
                                Locale.ROOT,
                                "%s stopped: its streams client is %s after %,.0f of %,d events"
                                        + " (see the log above for the cause)",
                                what,
                                s,
                                count,
                                target));
            }
            if (count != last) {
                last = count;
                lastMove = System.nanoTime();
            } else if (System.nanoTime() - lastMove > STALL.toNanos()) {
                throw new IllegalStateException(
                        String.format(
                                Locale.ROOT,
                                "%s made no progress for %d s at %,.0f of %,d events (state %s)",
                                what,
                                STALL.toSeconds(),
                                count,
                                target,
                                s));
            }
            if (System.nanoTime() - lastPrint > 15_000_000_000L) {
                OUT.printf(
                        Locale.ROOT,
                        "  %s: %,.0f of %,d events at %.0f s%n",
                        what,
                        count,
                        target,
                        now);
                lastPrint = System.nanoTime();
            }
            Thread.sleep(SAMPLE_MS);
        }
        double[] first = samples.get(0);
        double[] end = samples.get(samples.size() - 1);
        // the steady rate counts the records after the first sample, over the time after it
        return new Rate((long) (end[1] - first[1]), first[0], end[0], midRate(samples, target));
    }

    /** The rate between the samples where 10 % and 90 % of the records were processed. */
    private static double midRate(List<double[]> samples, long target) {
        double[] a = null;
        double[] b = null;
        for (double[] s : samples) {
            if (a == null && s[1] >= 0.1 * target) {
                a = s;
            }
            if (b == null && s[1] >= 0.9 * target) {
                b = s;
            }
        }
        return a == null || b == null || b[0] <= a[0] ? Double.NaN : (b[1] - a[1]) / (b[0] - a[0]);
    }

    private static double threadMetric(KafkaStreams streams, String name) {
        return streams.metrics().entrySet().stream()
                .filter(
                        e ->
                                e.getKey().name().equals(name)
                                        && e.getKey().group().equals("stream-thread-metrics"))
                .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                .sum();
    }

    private static double counter(SegstreamApp app, String name) {
        Counter c = app.registry().find(name).counter();
        return c == null ? 0 : c.count();
    }

    private static String gauge(SegstreamApp app, String name) {
        var g = app.registry().find(name).gauge();
        return g == null ? "n/a" : String.format(Locale.ROOT, "%.0f", g.value());
    }

    /** Number of profiles and their encoded bytes, read through the profile store. */
    private static long[] profiles(SegstreamApp app) {
        var store = app.profileStore();
        long n = 0;
        long bytes = 0;
        try (var all = store.all()) {
            while (all.hasNext()) {
                bytes += ProfileCodec.encode(all.next().value).length;
                n++;
            }
        }
        return new long[] {n, bytes};
    }

    /** The figures of the result line. */
    static final class Result {
        long events;
        long users;
        Rate count;
        Rate segstream;
        double cpuPerThousand = Double.NaN;
        double heapMiB = Double.NaN;
        long rocksBytes;
        long profiles;
        int largestModelRecord;
        String largestModelTopic = "n/a";
        String rescore = "n/a";
        String quality = "n/a";
        long adoptionMaxMillis = -1;
        long p50 = -1;
        long p99 = -1;
        int freshnessSamples;
        String failure;
        double wallSeconds;

        String line() {
            String countRate =
                    count == null ? "n/a" : String.format(Locale.ROOT, "%.0f", count.perSecond());
            String segRate =
                    segstream == null
                            ? "n/a"
                            : String.format(Locale.ROOT, "%.0f", segstream.perSecond());
            String ratio =
                    count == null || segstream == null
                            ? "n/a"
                            : String.format(
                                    Locale.ROOT,
                                    "%.2fx",
                                    segstream.perSecond() / count.perSecond());
            return String.format(
                    Locale.ROOT,
                    "result: plain count %s events/s, segstream %s events/s (%s of the count),"
                            + " freshness p99 %s ms, freshness p50 %s ms (%d changes),"
                            + " CPU %.3f s per 1,000 events, heap %.0f MiB after GC,"
                            + " RocksDB %.1f MiB = %.0f bytes per profile (%,d profiles),"
                            + " largest model-loop record %,d bytes (%s), re-score sweep %s,"
                            + " slowest model adoption %s ms, quality %s,"
                            + " %,d events of %,d users, wall %.0f s%s",
                    countRate,
                    segRate,
                    ratio,
                    p99 < 0 ? "n/a" : Long.toString(p99),
                    p50 < 0 ? "n/a" : Long.toString(p50),
                    freshnessSamples,
                    cpuPerThousand,
                    heapMiB,
                    rocksBytes / 1048576.0,
                    (double) rocksBytes / Math.max(1, profiles),
                    profiles,
                    largestModelRecord,
                    largestModelTopic,
                    rescore.startsWith("n/a") ? "n/a" : rescore,
                    adoptionMaxMillis < 0 ? "n/a" : Long.toString(adoptionMaxMillis),
                    quality,
                    events,
                    users,
                    wallSeconds,
                    failure == null ? "" : ", FAILED: " + failure);
        }
    }
}
