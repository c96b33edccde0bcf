package io.segstream.cli;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.InputRecords;
import io.segstream.app.runtime.TopicAdmin;
import io.segstream.cli.demo.DemoInput;
import io.segstream.core.dataset.ShopEvent;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes shop events to the input topics of any cluster, so that a user who starts {@code segstream
 * run} against their own Kafka sees it work, and so that the compose stack and the reliability
 * suite have an input. Events go out keyed by user and stamped with their event time, in event-time
 * order, through an idempotent producer: a retry never duplicates an event.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description =
                "Write the built-in generator's shoppers, or a data set, to segstream's input"
                        + " topics (creating them if missing).")
final class ProduceCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOST:PORT",
            description = "The Kafka cluster to write to.")
    String bootstrapServers;

    @Option(
            names = "--users",
            paramLabel = "N",
            defaultValue = "20000",
            description = "Shoppers of the built-in generator (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Generator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--dataset",
            arity = "2",
            paramLabel = "KIND FILE",
            description =
                    "Replay a real data set instead of the generator: online-retail FILE (the"
                            + " UCI Online Retail CSV, plain or .gz).")
    List<String> dataset;

    @Option(
            names = "--customers",
            paramLabel = "N",
            defaultValue = "2147483647",
            description = "With --dataset: only the first N customers (default: all).")
    int customers;

    @Option(
            names = "--rate",
            paramLabel = "EVENTS_PER_S",
            defaultValue = "0",
            description = "Events per second; 0 writes as fast as the cluster takes them.")
    double rate;

    @Mixin ConfigFileOption configFile;

    @Mixin SettingOverrides overrides;

    @Override
    public Integer call() throws Exception {
        if (users <= 0 || customers <= 0 || rate < 0) {
            throw new IllegalArgumentException(
                    "--users and --customers must be positive and --rate at least 0 (0: as fast"
                            + " as possible)");
        }
        Map<String, Object> settings = configFile.settings(overrides);
        settings.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        SegstreamConfig config = new SegstreamConfig(settings);
        PrintWriter out = spec.commandLine().getOut();
        DemoInput input =
                dataset == null
                        ? DemoInput.generated(users, seed)
                        : DemoInput.onlineRetail(
                                DatasetOption.onlineRetailFile(dataset, "or leave out --dataset"),
                                customers);
        input.notes().forEach(out::println);
        out.flush();
        TopicAdmin.ensureTopics(config);
        long started = System.nanoTime();
        long sent = send(config, input.events(), out);
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(
                Locale.ROOT,
                "produced %,d events of %,d users to %s and %s in %.1f s (%,.0f events/s)%n",
                sent,
                input.customers(),
                config.topics().clicks(),
                config.topics().orders(),
                seconds,
                sent / Math.max(seconds, 1e-3));
        return 0;
    }

    private long send(SegstreamConfig config, List<ShopEvent> events, PrintWriter out)
            throws InterruptedException {
        Properties p = new Properties();
        p.putAll(config.kafkaClientProperties());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // one request in flight: on a topic created moments ago the first batch can meet
        // NOT_LEADER_OR_FOLLOWER while the next one lands, after which the broker refuses the
        // retried first batch as out of sequence, forever (seen in CI)
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        InputRecords records = new InputRecords(config);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long lastReport = start;
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < events.size() && failure.get() == null; i++) {
                if (rate > 0) {
                    long wait = start + (long) (i / rate * 1e9) - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                producer.send(
                        records.of(events.get(i)),
                        (meta, e) -> {
                            if (e == null) {
                                acked.incrementAndGet();
                            } else {
                                failure.compareAndSet(null, e);
                            }
                        });
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    out.printf(Locale.ROOT, "  %,d of %,d events sent%n", i + 1, events.size());
                    out.flush();
                    lastReport = System.nanoTime();
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "Kafka refused an event after "
                            + acked.get()
                            + " were written ("
                            + failure.get().getMessage()
                            + "); check the cluster and run produce again (it writes everything"
                            + " again)",
                    failure.get());
        }
        return acked.get();
    }
}
