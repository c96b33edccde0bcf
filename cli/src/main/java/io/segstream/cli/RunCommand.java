package io.segstream.cli;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.embedded.EmbeddedKafkaCluster;
import io.segstream.app.runtime.EngineStoppedException;
import io.segstream.app.runtime.SegstreamApp;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the streaming app until interrupted, on an external cluster or an embedded broker. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the segstream streaming app (Ctrl-C stops it cleanly).")
final class RunCommand implements Callable<Integer> {

    /** How often the command checks that the streams client is still alive. */
    private static final Duration ENGINE_CHECK = Duration.ofMillis(200);

    @Spec CommandSpec spec;

    static final class Cluster {
        @Option(
                names = "--embedded",
                required = true,
                description = "Start an in-process single-node Kafka broker on 127.0.0.1.")
        boolean embedded;

        @Option(
                names = "--bootstrap-servers",
                required = true,
                paramLabel = "HOST:PORT",
                description = "An external Kafka cluster.")
        String bootstrapServers;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Cluster cluster;

    @Mixin ConfigFileOption configFile;

    @Mixin SettingOverrides overrides;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> settings = configFile.settings(overrides);
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedKafkaCluster broker = null;
        if (cluster.embedded) {
            broker = EmbeddedKafkaCluster.start();
            settings.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            settings.putIfAbsent(SegstreamConfig.REPLICATION_FACTOR_CONFIG, "1");
            settings.putIfAbsent(
                    SegstreamConfig.STATE_DIR_CONFIG,
                    broker.dataDir().resolve("streams-state").toString());
            out.println("embedded Kafka broker on " + broker.bootstrapServers());
        } else {
            settings.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers);
        }
        SegstreamConfig config = new SegstreamConfig(settings);
        out.println("effective configuration:");
        config.describe().forEach((k, v) -> out.printf("  %-32s %s%n", k, v));
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        EmbeddedKafkaCluster embedded = broker;
        String died;
        try (SegstreamApp app = SegstreamApp.start(config)) {
            Thread hook =
                    new Thread(
                            () -> {
                                app.close();
                                if (embedded != null) {
                                    embedded.close();
                                }
                                stopped.countDown();
                            },
                            "segstream-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf(
                    "segstream is running; REST on http://%s:%d (Ctrl-C to stop)%n",
                    config.getString(SegstreamConfig.REST_HOST_CONFIG), app.restPort());
            out.flush();
            // the app never stops by itself when healthy: returning here means its engine died
            while (!stopped.await(ENGINE_CHECK.toMillis(), TimeUnit.MILLISECONDS)
                    && app.deathReason().isEmpty()) {
                // keep waiting
            }
            died = app.deathReason().orElse(null);
            if (died != null) {
                removeHook(hook);
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
        if (died != null) {
            throw new EngineStoppedException(died);
        }
        return 0;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (closing twice is harmless)
        }
    }
}
