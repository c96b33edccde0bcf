package io.segstream.cli;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.ModelPublisher;
import io.segstream.schemas.SegmentModel;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segstream model}: the model versions on the segment-model topic. */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = "List the model versions on Kafka, or roll back to one.",
        subcommands = {ModelCommand.ListVersions.class, ModelCommand.Rollback.class})
final class ModelCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where the topic lives; shared by the subcommands. */
    static final class Connection {
        @Option(
                names = "--bootstrap-servers",
                required = true,
                paramLabel = "HOSTS",
                description = "Kafka brokers.")
        String bootstrapServers;

        @Mixin SettingOverrides overrides;

        SegstreamConfig config() {
            Map<String, Object> settings = new HashMap<>(overrides.asSettings());
            settings.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            return new SegstreamConfig(settings);
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the model versions.")
    static final class ListVersions implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Connection connection;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "%8s %6s %-9s %3s %-24s %s%n",
                    "version", "major", "origin", "k", "created", "provenance");
            for (SegmentModel m : ModelPublisher.list(connection.config())) {
                out.printf(
                        Locale.ROOT,
                        "%8d %6d %-9s %3d %-24s %s%n",
                        m.getVersion(),
                        m.getMajorVersion(),
                        m.getOrigin(),
                        m.getK(),
                        m.getCreatedAt(),
                        m.getProvenance().getNotes().getOrDefault("method", ""));
            }
            out.flush();
            return 0;
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description =
                    "Republish an older version under a new version number; running apps pick it up and re-score.")
    static final class Rollback implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin Connection connection;

        @Option(
                names = "--to",
                required = true,
                paramLabel = "V",
                description = "The version to go back to.")
        long version;

        @Override
        public Integer call() throws Exception {
            SegmentModel published = ModelPublisher.rollback(connection.config(), version);
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "rolled back: v%d republished as v%d (major %d)%n",
                            version,
                            published.getVersion(),
                            published.getMajorVersion());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
