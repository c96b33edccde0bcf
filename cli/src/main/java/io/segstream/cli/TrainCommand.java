package io.segstream.cli;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.TopicReader;
import io.segstream.app.serde.RecordFormat;
import io.segstream.cli.demo.DemoInput;
import io.segstream.core.dataset.ShopEvent;
import io.segstream.core.encoder.CachingTextEncoder;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.features.FeatureVectorizer;
import io.segstream.core.model.ScoringModel;
import io.segstream.core.model.UserExplanation;
import io.segstream.core.profile.ProfileBuilder;
import io.segstream.schemas.ClickEvent;
import io.segstream.schemas.EncoderInfo;
import io.segstream.schemas.OrderEvent;
import io.segstream.schemas.SegmentModel;
import io.segstream.trainer.FeatureExport;
import io.segstream.trainer.ModelFile;
import io.segstream.trainer.Trainer;
import io.segstream.trainer.TrainerSettings;
import io.segstream.trainer.TrainingSet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segstream train}: the offline re-fit of the segment model. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Fit a segment model offline on a data set or on the input topics, with an"
                        + " evaluation report, and write it to a file and/or publish it.")
final class TrainCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--dataset",
            arity = "2",
            paramLabel = " online-retail FILE",
            hideParamSyntax = true,
            description = "Train on a data set: online-retail FILE (plain or .gz).")
    List<String> dataset;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOSTS",
            description =
                    "Kafka to read the clicks and orders topics from (from the beginning) and to publish to.")
    String bootstrapServers;

    @Option(
            names = "--as-of",
            paramLabel = "DATE",
            description =
                    "Cut history at this date or instant (default: the last event); training never sees later events.")
    String asOf;

    @Option(
            names = "--horizon",
            paramLabel = "DAYS",
            defaultValue = "90",
            description =
                    "Churn label window after --as-of, in days; 0 skips the churn head (default: 90).")
    int horizonDays;

    @Option(
            names = "--k",
            paramLabel = "N|auto",
            defaultValue = "6",
            description =
                    "Segments, or auto to pick by silhouette and bootstrap stability (default: 6).")
    String k;

    @Option(
            names = "--k-range",
            paramLabel = "MIN..MAX",
            defaultValue = "2..8",
            description = "Range for --k auto (default: 2..8).")
    String kRange;

    @Option(
            names = "--text-components",
            paramLabel = "N",
            defaultValue = "0",
            description =
                    "Project the text block to its first N principal components, stored in the model (default: 0, keep all dims).")
    int textComponents;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: 42).")
    long seed;

    @Option(
            names = "--restarts",
            defaultValue = "5",
            description = "k-means++ restarts (default: 5).")
    int restarts;

    @Option(
            names = "--bootstraps",
            defaultValue = "5",
            description = "Bootstrap resamples for stability (default: 5).")
    int bootstraps;

    @Option(
            names = "--previous-model",
            paramLabel = "FILE",
            description = "Keep segment ids from this model file.")
    Path previousModel;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Write the model here (default: segstream-model-v<version>.avro).")
    Path modelOut;

    @Option(
            names = "--publish",
            description =
                    "Publish the model to the segment-model topic (needs --bootstrap-servers).")
    boolean publish;

    @Option(
            names = "--report-json",
            paramLabel = "FILE",
            description = "Write the evaluation report as JSON too.")
    Path reportJson;

    @Option(
            names = "--export-features",
            paramLabel = "FILE",
            description = "Write the feature matrix as CSV: user id, features, segment.")
    Path exportFeatures;

    @Option(
            names = "--explain-user",
            paramLabel = "ID",
            description = "Explain why this user is in their segment.")
    List<String> explainUsers = new ArrayList<>();

    @Mixin SettingOverrides overrides;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (dataset == null && bootstrapServers == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Give --dataset online-retail FILE, or --bootstrap-servers HOSTS to train on the input topics.");
        }
        if (publish && bootstrapServers == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--publish needs --bootstrap-servers");
        }
        Map<String, Object> settings = new HashMap<>(overrides.asSettings());
        if (bootstrapServers != null) {
            settings.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }
        SegstreamConfig config = new SegstreamConfig(settings);
        TrainerSettings trainerSettings = trainerSettings(config);
        long started = System.nanoTime();
        List<ShopEvent> events = events(config, err);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("No events to train on.");
        }
        Instant cut =
                asOf == null
                        ? Instant.ofEpochMilli(events.get(events.size() - 1).time())
                        : parseInstant(asOf);
        try (CachingTextEncoder encoder = CachingTextEncoder.open(config.encoder())) {
            OnnxTextEncoder onnx = (OnnxTextEncoder) encoder.delegate();
            EncoderInfo info =
                    new EncoderInfo(onnx.modelId(), onnx.modelSha256(), onnx.dimension());
            ProfileBuilder builder = new ProfileBuilder(config.profileSettings(), encoder);
            long before = events.stream().filter(e -> e.time() <= cut.toEpochMilli()).count();
            ProgressBar bar = new ProgressBar(err, "profiles", before);
            TrainingSet set =
                    TrainingSet.of(
                            events,
                            cut,
                            horizonDays == 0 ? null : Duration.ofDays(horizonDays),
                            builder,
                            encoder.dimension(),
                            bar::update);
            bar.done();
            TrainingSet past = past(events, cut, builder, encoder.dimension());
            Trainer trainer =
                    new Trainer(
                            encoder,
                            info,
                            config.profileSettings(),
                            step -> {
                                err.println(step + " ...");
                                err.flush();
                            });
            Trainer.Result result = trainer.train(set, past, trainerSettings);
            out.println();
            out.print(result.report().text());
            SegmentModel model = result.model();
            if (publish) {
                model = io.segstream.app.runtime.ModelPublisher.publish(config, model);
                out.printf(
                        Locale.ROOT,
                        "%npublished model v%d (major %d) to %s%n",
                        model.getVersion(),
                        model.getMajorVersion(),
                        config.topics().segmentModel());
            }
            Path file =
                    modelOut != null
                            ? modelOut
                            : Path.of("segstream-model-v" + model.getVersion() + ".avro");
            ModelFile.write(model, file);
            out.printf(Locale.ROOT, "%nmodel written to %s%n", file.toAbsolutePath());
            if (reportJson != null) {
                Files.writeString(reportJson, result.report().toJson());
                out.printf("report written to %s%n", reportJson.toAbsolutePath());
            }
            if (exportFeatures != null) {
                FeatureExport.write(
                        exportFeatures,
                        set.users(),
                        result.vectorizer().names(),
                        result.points(),
                        result.segments());
                out.printf("features written to %s%n", exportFeatures.toAbsolutePath());
            }
            for (String user : explainUsers) {
                explain(out, set, model, config, user);
            }
            out.printf(Locale.ROOT, "%ntrained in %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        out.flush();
        return 0;
    }

    /**
     * The same events cut one horizon earlier and labelled up to {@code cut}, for the churn head's
     * time-based check (train on the past, test on the future); null without a horizon or without
     * events before the earlier cut.
     */
    private TrainingSet past(
            List<ShopEvent> events, Instant cut, ProfileBuilder builder, int dimension) {
        if (horizonDays == 0) {
            return null;
        }
        Duration horizon = Duration.ofDays(horizonDays);
        Instant earlier = cut.minus(horizon);
        if (events.get(0).time() > earlier.toEpochMilli()) {
            return null;
        }
        return TrainingSet.of(events, earlier, horizon, builder, dimension, n -> {});
    }

    private TrainerSettings trainerSettings(SegstreamConfig config) throws Exception {
        int[] range = parseRange(kRange);
        int kValue;
        if (k.equalsIgnoreCase("auto")) {
            kValue = 0;
        } else {
            try {
                kValue = Integer.parseInt(k);
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--k must be a number of segments or auto, was " + k);
            }
        }
        SegmentModel previous = previousModel == null ? null : ModelFile.read(previousModel);
        List<String> unknown =
                previous == null ? List.of() : ScoringModel.unknownFeatures(previous);
        if (!unknown.isEmpty()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--previous-model "
                            + previousModel
                            + " was built on features this version does not compute: "
                            + unknown
                            + ". Leave --previous-model out: its segment ids cannot be carried"
                            + " over to a new feature layout.");
        }
        return new TrainerSettings(
                kValue,
                range[0],
                range[1],
                restarts,
                bootstraps,
                seed,
                config.getDouble(SegstreamConfig.TEXT_WEIGHT_CONFIG),
                textComponents,
                previous);
    }

    private int[] parseRange(String range) {
        String[] parts = range.split("\\.\\.");
        try {
            return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--k-range must look like 2..8, was " + range);
        }
    }

    private List<ShopEvent> events(SegstreamConfig config, PrintWriter err) throws Exception {
        if (dataset != null) {
            Path file =
                    DatasetOption.onlineRetailFile(
                            dataset, "or train on the topics with --bootstrap-servers.");
            DemoInput input = DemoInput.onlineRetail(file, Integer.MAX_VALUE);
            input.notes().forEach(err::println);
            return input.events();
        }
        // the topics' framing follows serde.format, as the app's
        RecordFormat format = RecordFormat.of(config);
        List<ShopEvent> events = new ArrayList<>();
        int[] undecodable = new int[1];
        TopicReader.readAll(
                config.kafkaClientProperties(),
                List.of(config.topics().clicks(), config.topics().orders()),
                r -> {
                    try {
                        if (r.topic().equals(config.topics().clicks())) {
                            ClickEvent c = format.decode(ClickEvent.class, r.value());
                            events.add(
                                    new ShopEvent(
                                            c.getUserId(), c.getEventTime().toEpochMilli(), c));
                        } else {
                            events.add(ShopEvent.of(format.decode(OrderEvent.class, r.value())));
                        }
                    } catch (RuntimeException e) {
                        undecodable[0]++; // the app dead-letters these; the trainer skips them
                    }
                    return null;
                });
        events.sort(Comparator.comparingLong(ShopEvent::time));
        err.printf(
                Locale.ROOT,
                "read %,d events from %s and %s (%d undecodable skipped)%n",
                events.size(),
                config.topics().clicks(),
                config.topics().orders(),
                undecodable[0]);
        return events;
    }

    private void explain(
            PrintWriter out,
            TrainingSet set,
            SegmentModel model,
            SegstreamConfig config,
            String user) {
        int i = set.users().indexOf(user);
        if (i < 0) {
            out.printf("%nuser %s: not in the training data%n", user);
            return;
        }
        ScoringModel scoring =
                ScoringModel.of(
                        model,
                        config.profileSettings(),
                        model.getTextEncoder().getModelId(),
                        model.getTextEncoder().getDimension());
        FeatureVectorizer v = scoring.vectorizer();
        double[] x = v.vectorize(set.profiles().get(i), set.asOf().toEpochMilli());
        int segment =
                new io.segstream.core.clustering.NearestCentroid(0)
                        .assign(x, scoring.clusters(), null)
                        .segmentId();
        UserExplanation e = UserExplanation.of(x, segment, scoring.clusters(), v.spec());
        out.print(Explanations.text(user, e, scoring));
    }

    static Instant parseInstant(String value) {
        try {
            return value.length() <= 10
                    ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "--as-of must be a date (2011-09-01) or an instant (2011-09-01T00:00:00Z), was "
                            + value);
        }
    }
}
