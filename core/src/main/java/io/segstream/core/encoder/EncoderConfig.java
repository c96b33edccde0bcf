package io.segstream.core.encoder;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Settings of the sentence encoder, validated when built.
 *
 * <p>Every key is a {@code *_CONFIG} constant with a {@code *_DOC} twin; {@link #fromMap} reads
 * them from any string map (CLI options, a properties file, the app's config) and rejects unknown
 * {@code encoder.*} keys so that a typo does not silently fall back to a default.
 */
public record EncoderConfig(
        EncoderModel model,
        int maxLength,
        int intraOpThreads,
        ExecutionProvider executionProvider,
        long cacheMaxEntries,
        Path modelCacheDir) {

    public static final String MODEL_CONFIG = "encoder.model";
    public static final String MODEL_DOC =
            "Pre-trained sentence encoder. One of: " + EncoderModel.ids() + ".";

    public static final String MAX_LENGTH_CONFIG = "encoder.max.length";
    public static final String MAX_LENGTH_DOC =
            "Tokens kept per text, [CLS] and [SEP] included; longer texts are truncated. 8..512.";

    public static final String INTRA_OP_THREADS_CONFIG = "encoder.intra.op.threads";
    public static final String INTRA_OP_THREADS_DOC =
            "Threads ONNX Runtime uses inside one model call. 1..256.";

    public static final String EXECUTION_PROVIDER_CONFIG = "encoder.execution.provider";
    public static final String EXECUTION_PROVIDER_DOC =
            "cpu, or cuda to ask for the CUDA execution provider (needs the -Pgpu build); "
                    + "where CUDA is missing the encoder logs one line and runs on CPU.";

    public static final String CACHE_MAX_ENTRIES_CONFIG = "encoder.cache.max.entries";
    public static final String CACHE_MAX_ENTRIES_DOC =
            "Embeddings kept in memory, keyed by normalised text; 0 disables the cache.";

    public static final String MODEL_CACHE_DIR_CONFIG = "encoder.model.cache.dir";
    public static final String MODEL_CACHE_DIR_DOC =
            "Directory the model files are extracted to, once. Defaults to the system property "
                    + "segstream.model.cache.dir, else ~/.cache/segstream/models.";

    /**
     * Every key with its documentation, in a stable order (for --help and the effective config).
     */
    public static final Map<String, String> DOCS =
            orderedDocs(
                    MODEL_CONFIG, MODEL_DOC,
                    MAX_LENGTH_CONFIG, MAX_LENGTH_DOC,
                    INTRA_OP_THREADS_CONFIG, INTRA_OP_THREADS_DOC,
                    EXECUTION_PROVIDER_CONFIG, EXECUTION_PROVIDER_DOC,
                    CACHE_MAX_ENTRIES_CONFIG, CACHE_MAX_ENTRIES_DOC,
                    MODEL_CACHE_DIR_CONFIG, MODEL_CACHE_DIR_DOC);

    /** Where the model runs. */
    public enum ExecutionProvider {
        CPU,
        CUDA;

        static ExecutionProvider parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw invalid(EXECUTION_PROVIDER_CONFIG, value, "cpu or cuda");
            }
        }
    }

    public EncoderConfig {
        if (model == null) {
            throw invalid(MODEL_CONFIG, null, EncoderModel.ids());
        }
        requireRange(MAX_LENGTH_CONFIG, maxLength, 8, 512);
        requireRange(INTRA_OP_THREADS_CONFIG, intraOpThreads, 1, 256);
        if (executionProvider == null) {
            throw invalid(EXECUTION_PROVIDER_CONFIG, null, "cpu or cuda");
        }
        if (cacheMaxEntries < 0) {
            throw invalid(CACHE_MAX_ENTRIES_CONFIG, cacheMaxEntries, "0 or more");
        }
        if (modelCacheDir == null) {
            throw invalid(MODEL_CACHE_DIR_CONFIG, null, "a writable directory");
        }
    }

    /** The defaults: int8 MiniLM, 128 tokens, one thread, CPU, 100,000 cached texts. */
    public static EncoderConfig defaults() {
        return new EncoderConfig(
                EncoderModel.ALL_MINILM_L6_V2_Q,
                128,
                1,
                ExecutionProvider.CPU,
                100_000,
                defaultModelCacheDir());
    }

    /** Reads the {@code encoder.*} keys of {@code settings}; absent keys keep their defaults. */
    public static EncoderConfig fromMap(Map<String, ?> settings) {
        for (String key : settings.keySet()) {
            if (key.startsWith("encoder.") && !DOCS.containsKey(key)) {
                throw new IllegalArgumentException(
                        "Unknown setting '" + key + "'. Known encoder settings: " + DOCS.keySet());
            }
        }
        EncoderConfig d = defaults();
        return new EncoderConfig(
                get(settings, MODEL_CONFIG).map(EncoderModel::fromId).orElse(d.model()),
                get(settings, MAX_LENGTH_CONFIG)
                        .map(v -> parseInt(MAX_LENGTH_CONFIG, v))
                        .orElse(d.maxLength()),
                get(settings, INTRA_OP_THREADS_CONFIG)
                        .map(v -> parseInt(INTRA_OP_THREADS_CONFIG, v))
                        .orElse(d.intraOpThreads()),
                get(settings, EXECUTION_PROVIDER_CONFIG)
                        .map(ExecutionProvider::parse)
                        .orElse(d.executionProvider()),
                get(settings, CACHE_MAX_ENTRIES_CONFIG)
                        .map(v -> (long) parseInt(CACHE_MAX_ENTRIES_CONFIG, v))
                        .orElse(d.cacheMaxEntries()),
                get(settings, MODEL_CACHE_DIR_CONFIG).map(Path::of).orElse(d.modelCacheDir()));
    }

    public EncoderConfig withModel(EncoderModel newModel) {
        return new EncoderConfig(
                newModel,
                maxLength,
                intraOpThreads,
                executionProvider,
                cacheMaxEntries,
                modelCacheDir);
    }

    public EncoderConfig withIntraOpThreads(int threads) {
        return new EncoderConfig(
                model, maxLength, threads, executionProvider, cacheMaxEntries, modelCacheDir);
    }

    public EncoderConfig withCacheMaxEntries(long entries) {
        return new EncoderConfig(
                model, maxLength, intraOpThreads, executionProvider, entries, modelCacheDir);
    }

    /** The effective settings, key by key, as printed at start-up. */
    public Map<String, String> describe() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(MODEL_CONFIG, model.id());
        out.put(MAX_LENGTH_CONFIG, Integer.toString(maxLength));
        out.put(INTRA_OP_THREADS_CONFIG, Integer.toString(intraOpThreads));
        out.put(EXECUTION_PROVIDER_CONFIG, executionProvider.name().toLowerCase(Locale.ROOT));
        out.put(CACHE_MAX_ENTRIES_CONFIG, Long.toString(cacheMaxEntries));
        out.put(MODEL_CACHE_DIR_CONFIG, modelCacheDir.toString());
        return out;
    }

    static Path defaultModelCacheDir() {
        String override = System.getProperty("segstream.model.cache.dir");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "segstream", "models");
    }

    private static java.util.Optional<String> get(Map<String, ?> settings, String key) {
        Object value = settings.get(key);
        return value == null ? java.util.Optional.empty() : java.util.Optional.of(value.toString());
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a whole number");
        }
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(key, value, min + ".." + max);
        }
    }

    private static IllegalArgumentException invalid(String key, Object value, String expected) {
        return new IllegalArgumentException(
                "Invalid value '" + value + "' for " + key + ": expected " + expected + ".");
    }

    private static Map<String, String> orderedDocs(String... keysAndDocs) {
        Map<String, String> docs = new LinkedHashMap<>();
        for (int i = 0; i < keysAndDocs.length; i += 2) {
            docs.put(keysAndDocs[i], keysAndDocs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(docs);
    }

    /** Keys this class reads, for callers that split a larger config. */
    public static Set<String> keys() {
        return DOCS.keySet();
    }
}
