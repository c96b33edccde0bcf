package io.segstream.cli;

import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.EncoderModel;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.math.Vectors;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Embeds texts with the configured sentence encoder and prints their pairwise cosine similarity.
 */
@Command(
        name = "encode",
        mixinStandardHelpOptions = true,
        description =
                "Embed texts and print their pairwise cosine similarities, most similar first.")
final class EncodeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(
            arity = "1..*",
            paramLabel = "TEXT",
            description = "Texts to embed, e.g. product titles or search queries.")
    List<String> texts;

    @Option(
            names = "--model",
            paramLabel = "ID",
            completionCandidates = ModelIds.class,
            description = "Encoder model: ${COMPLETION-CANDIDATES}. Default: all-minilm-l6-v2-q.")
    String model;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads.")
    Integer threads;

    @Option(names = "--max-length", paramLabel = "TOKENS", description = "Tokens kept per text.")
    Integer maxLength;

    @Option(
            names = "--cuda",
            description = "Ask for the CUDA execution provider (falls back to CPU).")
    boolean cuda;

    @Override
    public Integer call() {
        Map<String, Object> settings = new LinkedHashMap<>();
        putIfSet(settings, EncoderConfig.MODEL_CONFIG, model);
        putIfSet(settings, EncoderConfig.INTRA_OP_THREADS_CONFIG, threads);
        putIfSet(settings, EncoderConfig.MAX_LENGTH_CONFIG, maxLength);
        if (cuda) {
            settings.put(EncoderConfig.EXECUTION_PROVIDER_CONFIG, "cuda");
        }
        EncoderConfig config = EncoderConfig.fromMap(settings);
        PrintWriter out = spec.commandLine().getOut();
        try (OnnxTextEncoder encoder = OnnxTextEncoder.open(config)) {
            List<float[]> vectors = encoder.encodeBatch(texts);
            out.printf(
                    "model      %s (%s pooling, sha256 %s)%n",
                    encoder.modelId(),
                    encoder.model().pooling().name().toLowerCase(java.util.Locale.ROOT),
                    encoder.modelSha256().substring(0, 12));
            out.printf("dimension  %d%n", encoder.dimension());
            out.printf("texts      %d%n%n", texts.size());
            printPairs(out, vectors);
        }
        out.flush();
        return 0;
    }

    private void printPairs(PrintWriter out, List<float[]> vectors) {
        if (texts.size() < 2) {
            out.println("(give two or more texts to see their similarities)");
            return;
        }
        record Pair(int a, int b, double cosine) {}
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            for (int j = i + 1; j < vectors.size(); j++) {
                pairs.add(new Pair(i, j, Vectors.cosine(vectors.get(i), vectors.get(j))));
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::cosine).reversed());
        out.println("cosine  pair");
        for (Pair p : pairs) {
            out.printf(
                    "%6.3f  %s ~ %s%n",
                    p.cosine(), quote(texts.get(p.a())), quote(texts.get(p.b())));
        }
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    private static void putIfSet(Map<String, Object> settings, String key, Object value) {
        if (value != null) {
            settings.put(key, value);
        }
    }

    /** The registry's model ids, for --help and shell completion. */
    static final class ModelIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(EncoderModel.values()).map(EncoderModel::id).iterator();
        }
    }
}
