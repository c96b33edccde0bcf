package io.segstream.cli;

import io.segstream.cli.demo.Demo;
import io.segstream.cli.demo.DemoInput;
import io.segstream.core.dataset.ReviewTexts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The whole system on an embedded broker, on the built-in generator or on real data: replay, live
 * progress, segment table, HTML report.
 */
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
                    "A data set to replay: online-retail FILE (the UCI Online Retail CSV, plain or .gz). "
                            + "Without it the demo runs on the built-in generator of shoppers.")
    List<String> dataset;

    @Option(
            names = "--customers",
            paramLabel = "N",
            defaultValue = "1000000",
            description = "With --dataset: replay only the first N customers (default: all).")
    int customers;

    @Option(
            names = "--users",
            paramLabel = "N",
            defaultValue = "1500",
            description =
                    "Without --dataset: shoppers the built-in generator simulates (default: 1500).")
    int users;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description = "Without --dataset: seed of the built-in generator (default: 42).")
    long seed;

    @Option(
            names = "--review-texts",
            paramLabel = "FILE",
            description =
                    "Without --dataset: draw the generated reviews' words from this clothing"
                            + " reviews CSV (e.g. ../shared/data/womens_clothing_reviews/"
                            + "womens_clothing_reviews_dev.csv.gz) instead of the built-in texts.")
    Path reviewTexts;

    @Option(
            names = "--speed",
            paramLabel = "N",
            defaultValue = "0",
            description = "Replay at N times real time; 0 (default) is as fast as possible.")
    double speed;

    @Option(
            names = "--hold-every",
            paramLabel = "N",
            description =
                    "Every N events, hold the producer until the app has processed them and the"
                            + " model loop has caught up (waiting at most 2 s for the loop), as it"
                            + " does when events arrive in real time. Default: four re-fits' worth,"
                            + " 4 x kmeans.refit.every.records; 0 never holds.")
    Integer holdEvery;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            defaultValue = "segstream-report.html",
            description = "Where to write the HTML report (default: ${DEFAULT-VALUE}).")
    Path report;

    @Mixin SettingOverrides overrides;

    @Override
    public Integer call() throws Exception {
        if (speed < 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--speed must be 0 or more, was " + speed);
        }
        if (holdEvery != null && holdEvery < 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--hold-every must be 0 or more, was " + holdEvery);
        }
        if (users < 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--users must be 1 or more, was " + users);
        }
        DemoInput input = dataset == null ? generated() : dataset();
        new Demo(
                        input,
                        speed,
                        holdEvery,
                        overrides.asSettings(),
                        report,
                        spec.commandLine().getOut(),
                        spec.commandLine().getErr())
                .run();
        return 0;
    }

    private DemoInput generated() {
        if (reviewTexts != null && !java.nio.file.Files.isRegularFile(reviewTexts)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--review-texts: "
                            + reviewTexts
                            + " not found. Pass the clothing reviews CSV, or leave the option out"
                            + " for the built-in texts.");
        }
        return DemoInput.generated(
                users,
                seed,
                reviewTexts == null ? ReviewTexts.builtIn() : ReviewTexts.from(reviewTexts));
    }

    private DemoInput dataset() throws IOException {
        Path file =
                DatasetOption.onlineRetailFile(
                        dataset, "leave --dataset out for the built-in generator.");
        return DemoInput.onlineRetail(file, customers);
    }
}
