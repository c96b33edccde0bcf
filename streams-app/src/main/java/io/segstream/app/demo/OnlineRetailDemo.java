package io.segstream.app.demo;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.runtime.ConsumerProgress;
import io.segstream.app.runtime.SegstreamApp;
import io.segstream.app.topology.SegstreamTopology;
import io.segstream.core.dataset.OnlineRetail;
import io.segstream.core.profile.UserProfile;
import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.OrderLine;
import io.segstream.schemas.SegmentChange;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * Replays the UCI Online Retail CSV through segstream on an embedded broker: starts the broker and
 * the app, produces the orders in event-time order (as fast as possible, or {@code speed} times
 * real time) with a live progress line, waits until every event is processed, and prints the
 * segment table.
 */
public final class OnlineRetailDemo {

    private final Path csv;
    private final int customers;
    private final double speed;
    private final Map<String, Object> overrides;
    private final PrintWriter out;
    private final PrintWriter progress;

    public OnlineRetailDemo(
            Path csv,
            int customers,
            double speed,
            Map<String, Object> overrides,
            PrintWriter out,
            PrintWriter progress) {
        this.csv = csv;
        this.customers = customers;
        this.speed = speed;
        this.overrides = overrides;
        this.out = out;
        this.progress = progress;
    }

    public SegmentTable run() throws Exception {
        OnlineRetail.Replay replay = OnlineRetail.read(csv);
        OnlineRetail.Report r = replay.report();
        List<OrderEvent> orders = firstCustomers(replay.orders(), customers);
        out.printf(
                Locale.ROOT,
                "read %s: %,d rows -> %,d orders; skipped %,d guest rows, %,d non-product lines, "
                        + "%,d bad-debt rows, %,d invalid lines%n",
                csv.getFileName(),
                r.rows(),
                r.invoices(),
                r.guestRows(),
                r.nonProductLines(),
                r.badDebtRows(),
                r.invalidLines());
        r.badRows().stream().limit(5).forEach(b -> out.println("  bad row " + b));
        out.flush();
        EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start();
        AtomicReference<SegstreamApp> running = new AtomicReference<>();
        // Ctrl-C at any moment: stop the app, then the broker, which deletes its temp dir and state
        Thread cleanup =
                new Thread(() -> shutDown(running.get(), kafka), "segstream-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(cleanup);
        out.printf(
                "embedded Kafka broker on %s (data in %s)%n",
                kafka.bootstrapServers(), kafka.dataDir());
        out.flush();
        try {
            SegstreamConfig config = config(kafka);
            SegstreamApp app = SegstreamApp.start(config);
            running.set(app);
            app.awaitRunning(Duration.ofMinutes(2));
            long start = System.nanoTime();
            Map<String, List<String>> titles = produce(kafka, config, app, orders, start);
            String appId = config.getString(SegstreamConfig.APPLICATION_ID_CONFIG);
            try (ConsumerProgress done = new ConsumerProgress(kafka.bootstrapServers())) {
                while (!done.caughtUp(appId, List.of(config.topics().orders()))
                        || !done.caughtUp(
                                appId, List.of(ConsumerProgress.repartitionTopic(appId)))) {
                    printProgress(app, orders.size(), orders.size(), titles.size(), start);
                    Thread.sleep(250);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            printProgress(app, orders.size(), orders.size(), titles.size(), start);
            progress.println();
            out.printf(
                    Locale.ROOT,
                    "%n%,d events of %,d customers processed in %.1f s: %.0f events/s%n%n",
                    orders.size(),
                    titles.size(),
                    seconds,
                    orders.size() / seconds);
            SegmentTable table = summarise(app, kafka, config, titles, orders);
            table.print(out);
            return table;
        } finally {
            shutDown(running.get(), kafka);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook runs (closing twice is harmless)
            }
        }
    }

    private static void shutDown(SegstreamApp app, EmbeddedKafkaCluster kafka) {
        if (app != null) {
            app.close();
        }
        kafka.close();
    }

    private static List<OrderEvent> firstCustomers(List<OrderEvent> all, int n) {
        Set<String> chosen = new LinkedHashSet<>();
        List<OrderEvent> out = new ArrayList<>();
        for (OrderEvent o : all) {
            if (chosen.contains(o.getUserId()) || chosen.size() < n) {
                chosen.add(o.getUserId());
                out.add(o);
            }
        }
        return out;
    }

    private SegstreamConfig config(EmbeddedKafkaCluster kafka) {
        Map<String, Object> s = new HashMap<>();
        s.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        s.put(SegstreamConfig.APPLICATION_ID_CONFIG, "segstream-demo");
        s.put(
                SegstreamConfig.STATE_DIR_CONFIG,
                kafka.dataDir().resolve("streams-state").toString());
        s.put(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
        s.put(SegstreamConfig.REST_PORT_CONFIG, "0");
        s.put(
                SegstreamConfig.SEED_USERS_CONFIG,
                Integer.toString(Math.max(50, Math.min(500, customers / 4))));
        s.put(SegstreamConfig.FLUSH_RECORDS_CONFIG, "200");
        s.put("kafka.commit.interval.ms", "1000");
        s.putAll(overrides);
        return new SegstreamConfig(s);
    }

    private Map<String, List<String>> produce(
            EmbeddedKafkaCluster kafka,
            SegstreamConfig config,
            SegstreamApp app,
            List<OrderEvent> orders,
            long start)
            throws InterruptedException {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        // strict order per partition: a user's events must arrive in the order they happened
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        AvroCodec<OrderEvent> codec = AvroCodec.of(OrderEvent.class);
        Map<String, List<String>> titles = new HashMap<>();
        long lastPrint = 0;
        long firstEvent = orders.isEmpty() ? 0 : orders.get(0).getEventTime().toEpochMilli();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < orders.size(); i++) {
                OrderEvent o = orders.get(i);
                long t = o.getEventTime().toEpochMilli();
                if (speed > 0) {
                    long due = start + (long) ((t - firstEvent) / speed * 1e6);
                    long wait = (due - System.nanoTime()) / 1_000_000;
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
                producer.send(
                        new ProducerRecord<>(
                                config.topics().orders(), null, t, o.getUserId(), codec.encode(o)));
                List<String> userTitles =
                        titles.computeIfAbsent(o.getUserId(), u -> new ArrayList<>());
                for (OrderLine line : o.getLines()) {
                    if (line.getTitle() != null) {
                        userTitles.add(line.getTitle());
                    }
                }
                if (System.nanoTime() - lastPrint > 250_000_000L) {
                    printProgress(app, i + 1, orders.size(), titles.size(), start);
                    lastPrint = System.nanoTime();
                }
            }
        }
        return titles;
    }

    private void printProgress(SegstreamApp app, int sent, int total, int users, long start) {
        double processed = app.registry().get("segstream.events").counter().count();
        double changes =
                app.registry().find("segstream.segment.changes").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum();
        var version = app.registry().find("segstream.model.version").gauge();
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        int width = 30;
        int filled =
                (int)
                        Math.min(
                                width,
                                Math.round(
                                        width * Math.min(processed, total) / Math.max(1, total)));
        progress.printf(
                Locale.ROOT,
                "\r[%s%s] events %,d/%,d sent %,d · %,.0f ev/s · users %,d · model v%s · changes %,d   ",
                "#".repeat(filled),
                ".".repeat(width - filled),
                (long) Math.min(processed, total),
                total,
                sent,
                processed / seconds,
                users,
                version == null ? "-" : String.format(Locale.ROOT, "%.0f", version.value()),
                (long) changes);
        progress.flush();
    }

    private SegmentTable summarise(
            SegstreamApp app,
            EmbeddedKafkaCluster kafka,
            SegstreamConfig config,
            Map<String, List<String>> titles,
            List<OrderEvent> orders) {
        long asOf =
                orders.isEmpty() ? 0 : orders.get(orders.size() - 1).getEventTime().toEpochMilli();
        SegmentSummaries summaries = new SegmentSummaries(config.profileSettings(), asOf);
        var store =
                app.streams()
                        .store(
                                StoreQueryParameters.fromNameAndType(
                                        SegstreamTopology.PROFILES_STORE,
                                        QueryableStoreTypes.<String, UserProfile>keyValueStore()));
        try (var all = store.all()) {
            while (all.hasNext()) {
                var kv = all.next();
                summaries.addUser(kv.value, titles.getOrDefault(kv.key, List.of()));
            }
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "segstream-demo-report-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        AvroCodec<SegmentChange> changes = AvroCodec.of(SegmentChange.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(config.topics().segmentChanges()));
            int emptyPolls = 0;
            while (emptyPolls < 4) {
                var records = consumer.poll(Duration.ofMillis(250));
                emptyPolls = records.isEmpty() ? emptyPolls + 1 : 0;
                records.forEach(
                        rec -> summaries.addChange(changes.decode(rec.value()).getNewSegment()));
            }
        }
        return summaries.table();
    }
}
