package io.segstream.app.cli;

import io.segstream.app.demo.OnlineRetailDemo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The whole system on an embedded broker, on real data: replay, live progress, segment table. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run segstream end to end on an embedded broker and print the segments it finds.")
final class DemoCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--dataset",
            arity = "2",
            paramLabel = " online-retail FILE",
            hideParamSyntax = true,
            description =
                    "A data set to replay: online-retail FILE (the UCI Online Retail CSV, plain or .gz).")
    List<String> dataset;

    @Option(
            names = "--customers",
            paramLabel = "N",
            defaultValue = "1000000",
            description = "Replay only the first N customers (default: all).")
    int customers;

    @Option(
            names = "--speed",
            paramLabel = "N",
            defaultValue = "0",
            description = "Replay at N times real time; 0 (default) is as fast as possible.")
    double speed;

    @Mixin SettingOverrides overrides;

    @Override
    public Integer call() throws Exception {
        if (dataset == null) {
            throw new IllegalArgumentException(
                    "Name a data set: --dataset online-retail FILE (the built-in generator is not there yet).");
        }
        if (!dataset.get(0).equals("online-retail")) {
            throw new IllegalArgumentException(
                    "Unknown data set kind '" + dataset.get(0) + "'. Supported: online-retail.");
        }
        Path file = Path.of(dataset.get(1));
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    "Data file "
                            + file
                            + " not found. Pass the Online Retail CSV (plain or .gz), e.g. "
                            + "--dataset online-retail ../shared/data/online_retail/online_retail_dev.csv.gz");
        }
        if (speed < 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--speed must be 0 or more, was " + speed);
        }
        new OnlineRetailDemo(
                        file,
                        customers,
                        speed,
                        overrides.asSettings(),
                        spec.commandLine().getOut(),
                        spec.commandLine().getErr())
                .run();
        return 0;
    }
}
