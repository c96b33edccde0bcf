package io.segstream.cli;

import io.segstream.app.config.SegstreamConfig;
import io.segstream.app.runtime.ModelPublisher;
import io.segstream.core.dataset.ClothingReviews;
import io.segstream.core.dataset.ClothingReviews.Review;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.head.HeadFile;
import io.segstream.schemas.HeadModel;
import io.segstream.trainer.BinaryMetrics;
import io.segstream.trainer.ChurnComparison.Summary;
import io.segstream.trainer.head.HeadLabel;
import io.segstream.trainer.head.HeadTraining;
import io.segstream.trainer.head.ReviewEmbeddings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segstream train-head}: a classification head on a frozen encoder's review embeddings. */
@Command(
        name = "train-head",
        mixinStandardHelpOptions = true,
        description =
                "Train review heads (logistic regression on a frozen encoder's embeddings) on a"
                        + " labelled data set, judged against a TF-IDF + logistic regression baseline"
                        + " on the same folds grouped by product, and write them as head artifacts.")
final class TrainHeadCommand implements Callable<Integer> {

    static final String DATASET_KIND = "womens-clothing-reviews";

    @Spec CommandSpec spec;

    @Option(
            names = "--dataset",
            arity = "2",
            required = true,
            paramLabel = " womens-clothing-reviews FILE",
            hideParamSyntax = true,
            description = "The labelled reviews: womens-clothing-reviews FILE (plain or .gz).")
    List<String> dataset;

    @Option(
            names = "--label",
            defaultValue = "all",
            paramLabel = "all|not-recommended|negative",
            description =
                    "Which head: not-recommended (Recommended IND = 0), negative (Rating <= 2) or all"
                            + " (default: all).")
    String label;

    @Option(
            names = "--encoder",
            defaultValue = "bge-small-en-v15-q",
            paramLabel = "ID",
            description = "The frozen encoder, from the registry (default: bge-small-en-v15-q).")
    String encoder;

    @Option(
            names = "--max-length",
            defaultValue = "128",
            description = "Tokens per review, title and body together (default: 128).")
    int maxLength;

    @Option(
            names = "--folds",
            defaultValue = "5",
            description = "Outer folds, grouped by product (default: 5).")
    int folds;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: 42).")
    long seed;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "Encoder workers and fitting threads (default: 2).")
    int threads;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Use only the first N reviews of the file (a quick run).")
    Integer limit;

    @Option(
            names = "--test-dataset",
            paramLabel = "FILE",
            description = "Also score a separate reviews file with the trained heads.")
    Path testDataset;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Write each head as DIR/<label>-v<version>.head.avro.")
    Path out;

    @Option(
            names = "--publish",
            description =
                    "Also publish each head on the heads topic of --bootstrap-servers, where running"
                            + " apps following its name (reviews.head.name) take it.")
    boolean publish;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOSTS",
            description = "Kafka to publish to, with --publish.")
    String bootstrapServers;

    @Mixin SettingOverrides overrides;

    @Option(
            names = "--embeddings-cache",
            paramLabel = "DIR",
            description =
                    "Keep the review embeddings here, named by encoder, token limit and data hash,"
                            + " so that a second run does not encode again (default:"
                            + " ~/.cache/segstream/embeddings; 'none' turns it off).")
    String embeddingsCache;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        if (!dataset.get(0).equals(DATASET_KIND)) {
            throw new IllegalArgumentException(
                    "Unknown data set kind '"
                            + dataset.get(0)
                            + "'. Supported: "
                            + DATASET_KIND
                            + ", e.g. --dataset "
                            + DATASET_KIND
                            + " ../shared/data/womens_clothing_reviews/womens_clothing_reviews_dev.csv.gz");
        }
        List<HeadLabel> labels =
                label.equals("all")
                        ? List.of(HeadLabel.values())
                        : List.of(HeadLabel.fromId(label));
        if (folds < 2) {
            throw new IllegalArgumentException("--folds must be 2 or more, got " + folds);
        }
        if (publish && bootstrapServers == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--publish needs --bootstrap-servers");
        }
        Path file = reviewsFile(dataset.get(1), "--dataset");
        ClothingReviews.Result read = ClothingReviews.read(file);
        List<Review> reviews = read.reviews();
        if (limit != null && limit < reviews.size()) {
            reviews = reviews.subList(0, limit);
        }
        String datasetSha = sha256(file);
        long products = reviews.stream().map(Review::productId).distinct().count();
        w.printf(
                Locale.ROOT,
                "reviews: %s, %,d rows, %,d with text and labels used%s, %,d products%n",
                file,
                read.rows(),
                reviews.size(),
                limit == null ? "" : " (--limit)",
                products);
        Map<String, String> settings = new HashMap<>();
        settings.put(EncoderConfig.MODEL_CONFIG, encoder);
        settings.put(EncoderConfig.MAX_LENGTH_CONFIG, Integer.toString(maxLength));
        settings.put(EncoderConfig.INTRA_OP_THREADS_CONFIG, "1");
        settings.put(EncoderConfig.CACHE_MAX_ENTRIES_CONFIG, "0");
        EncoderConfig config = EncoderConfig.fromMap(settings);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (OnnxTextEncoder enc = OnnxTextEncoder.open(config)) {
            List<String> texts = reviews.stream().map(Review::text).toList();
            ReviewEmbeddings.Encoded encoded = embeddings(enc, texts, w);
            w.printf(
                    Locale.ROOT,
                    "encoder: %s (sha256 %s), %d tokens, each review encoded alone as in the"
                            + " stream: %.1f reviews/s on %d threads%s%n",
                    enc.modelId(),
                    enc.modelSha256(),
                    maxLength,
                    encoded.textsPerSecond(),
                    encoded.threads(),
                    encoded.cached() ? " (measured when the cached vectors were made)" : "");
            List<Review> testReviews = null;
            float[][] testVectors = null;
            if (testDataset != null) {
                testReviews =
                        ClothingReviews.read(reviewsFile(testDataset.toString(), "--test-dataset"))
                                .reviews();
                testVectors =
                        embeddings(enc, testReviews.stream().map(Review::text).toList(), w)
                                .vectors();
            }
            for (HeadLabel l : labels) {
                HeadTraining.Evaluation e =
                        HeadTraining.evaluate(reviews, encoded.vectors(), l, folds, seed, pool);
                print(w, e, enc.modelId());
                HeadModel head = headModel(e, enc, file, datasetSha);
                if (testReviews != null) {
                    printTest(w, e, testReviews, testVectors);
                }
                if (out != null) {
                    Path target = out.resolve(HeadFile.fileName(head));
                    HeadFile.write(head, target);
                    w.printf(Locale.ROOT, "  written: %s%n", target);
                }
                if (publish) {
                    SegstreamConfig kafka = kafkaConfig();
                    ModelPublisher.publishHead(kafka, head);
                    w.printf(
                            Locale.ROOT,
                            "  published: head '%s' v%d on %s%n",
                            head.getName(),
                            head.getVersion(),
                            kafka.topics().heads());
                }
                w.flush();
            }
        } finally {
            pool.shutdownNow();
        }
        return 0;
    }

    private SegstreamConfig kafkaConfig() {
        Map<String, Object> settings = new HashMap<>(overrides.asSettings());
        settings.put(SegstreamConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return new SegstreamConfig(settings);
    }

    private ReviewEmbeddings.Encoded embeddings(
            OnnxTextEncoder enc, List<String> texts, PrintWriter w) throws Exception {
        Path cache = cacheFile(enc, texts);
        if (cache != null) {
            var cached = ReviewEmbeddings.read(cache, texts.size());
            if (cached.isPresent()) {
                w.printf(Locale.ROOT, "embeddings: %,d read from %s%n", texts.size(), cache);
                return cached.get();
            }
        }
        w.printf(Locale.ROOT, "embeddings: encoding %,d reviews ...%n", texts.size());
        w.flush();
        var encoded =
                ReviewEmbeddings.encode(
                        enc,
                        texts,
                        threads,
                        done -> {
                            if (done % 5000 == 0) {
                                System.err.printf(Locale.ROOT, "  %,d encoded%n", done);
                            }
                        });
        if (cache != null) {
            ReviewEmbeddings.write(cache, encoded);
        }
        return encoded;
    }

    private Path cacheFile(OnnxTextEncoder enc, List<String> texts) throws IOException {
        if ("none".equals(embeddingsCache)) {
            return null;
        }
        Path dir =
                embeddingsCache != null
                        ? Path.of(embeddingsCache)
                        : Path.of(
                                System.getProperty("user.home"),
                                ".cache",
                                "segstream",
                                "embeddings");
        MessageDigest digest = newSha256();
        for (String t : texts) {
            digest.update(t.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        String textsHash = HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        return dir.resolve(
                enc.modelSha256().substring(0, 16) + "-" + maxLength + "-" + textsHash + ".f32");
    }

    private static void print(PrintWriter w, HeadTraining.Evaluation e, String encoderId) {
        w.printf(
                Locale.ROOT,
                "%nlabel %s (%s): %,d of %,d reviews positive (%.1f%%); %d folds grouped by product,"
                        + " strength and threshold picked on %d inner folds of each training part%n",
                e.label().id(),
                e.label().definition(),
                e.positives(),
                e.rows(),
                100.0 * e.positives() / e.rows(),
                e.folds().size(),
                HeadTraining.INNER_FOLDS);
        w.printf(Locale.ROOT, "  AUC over the folds              mean ± sd     min     max%n");
        row(w, "head (" + encoderId + ")", e.head());
        row(w, "TF-IDF 1-2 grams + LR baseline", e.baseline());
        double[] lead =
                e.folds().stream().mapToDouble(f -> f.headAuc() - f.baselineAuc()).toArray();
        row(w, "lead (head - baseline)", Summary.of(lead));
        w.printf(
                Locale.ROOT,
                "  at the threshold (each fold's, picked on its inner folds; pooled):%n");
        prf(w, "head", e.headAtThreshold());
        prf(w, "baseline", e.baselineAtThreshold());
        w.printf(
                Locale.ROOT,
                "  strengths C picked per fold: head %s, baseline %s%n",
                e.folds().stream().map(f -> fmt(f.headC())).toList(),
                e.folds().stream().map(f -> fmt(f.baselineC())).toList());
        w.printf(Locale.ROOT, "  verdict: %s%n", e.verdict().text());
        w.printf(
                Locale.ROOT,
                "  final head: all %,d reviews, %s, threshold %.3f%n",
                e.rows(),
                e.regularisation(),
                e.threshold());
    }

    private static String fmt(double c) {
        return String.format(Locale.ROOT, "%s", c);
    }

    private static void row(PrintWriter w, String name, Summary s) {
        w.printf(
                Locale.ROOT,
                "  %-30s %s%.3f ± %.3f  %.3f  %.3f%n",
                name,
                s.mean() < 0 ? "" : " ",
                s.mean(),
                s.sd(),
                s.min(),
                s.max());
    }

    private static void prf(PrintWriter w, String name, BinaryMetrics m) {
        w.printf(
                Locale.ROOT,
                "    %-9s precision %.3f  recall %.3f  F1 %.3f%n",
                name,
                m.positive().precision(),
                m.positive().recall(),
                m.positive().f1());
    }

    private static void printTest(
            PrintWriter w, HeadTraining.Evaluation e, List<Review> reviews, float[][] vectors) {
        boolean[] labels = new boolean[reviews.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = e.label().test(reviews.get(i));
        }
        BinaryMetrics head =
                BinaryMetrics.of(e.finalHead().score(reviews, vectors), labels, e.threshold());
        BinaryMetrics baseline =
                BinaryMetrics.of(
                        e.finalBaseline().score(reviews, vectors), labels, e.baselineThreshold());
        w.printf(Locale.ROOT, "  --test-dataset (%,d reviews), final fits:%n", reviews.size());
        w.printf(Locale.ROOT, "    head      AUC %.3f%n", head.auc());
        prf(w, "head", head);
        w.printf(Locale.ROOT, "    baseline  AUC %.3f%n", baseline.auc());
        prf(w, "baseline", baseline);
    }

    private HeadModel headModel(
            HeadTraining.Evaluation e, OnnxTextEncoder enc, Path file, String datasetSha) {
        Instant now = Instant.now();
        int d = e.weights().length - 1;
        List<Float> weights = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            weights.add((float) e.weights()[j]);
        }
        return HeadModel.newBuilder()
                .setName(e.label().id())
                .setVersion(now.toEpochMilli())
                .setCreatedAt(now)
                .setLabel(e.label().definition())
                .setEncoderModelId(enc.modelId())
                .setEncoderSha256(enc.modelSha256())
                .setEncoderMaxLength(maxLength)
                .setWeights(weights)
                .setBias(e.weights()[d])
                .setThreshold(e.threshold())
                .setTrainingData(DATASET_KIND + " " + file.getFileName())
                .setTrainingDataSha256(datasetSha)
                .setTrainingRows(e.rows())
                .setPositives(e.positives())
                .setRegularisation(e.regularisation())
                .setFolds(e.folds().size())
                .setAucMean(e.head().mean())
                .setAucSd(e.head().sd())
                .setPrecision(e.headAtThreshold().positive().precision())
                .setRecall(e.headAtThreshold().positive().recall())
                .setF1(e.headAtThreshold().positive().f1())
                .setBaselineAucMean(e.baseline().mean())
                .setBaselineAucSd(e.baseline().sd())
                .build();
    }

    private static Path reviewsFile(String name, String option) {
        Path file = Path.of(name);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(
                    option
                            + ": reviews file "
                            + file
                            + " not found. Pass the clothing reviews CSV (plain or .gz), e.g. "
                            + "../shared/data/womens_clothing_reviews/womens_clothing_reviews_dev.csv.gz");
        }
        return file;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = newSha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
