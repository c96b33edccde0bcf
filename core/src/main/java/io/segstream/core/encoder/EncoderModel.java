package io.segstream.core.encoder;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The pre-trained sentence encoders segstream ships with.
 *
 * <p>Each is carried on the classpath by a {@code dev.langchain4j:langchain4j-embeddings-*} jar,
 * used only for its {@code .onnx} and {@code tokenizer.json} resources.
 */
public enum EncoderModel {
    /** all-MiniLM-L6-v2, int8-quantised: the default; about 4x smaller and faster than fp32. */
    ALL_MINILM_L6_V2_Q("all-minilm-l6-v2-q", "all-minilm-l6-v2-q", 384, Pooling.MEAN, false),
    /** all-MiniLM-L6-v2 in fp32: the reference the int8 model is checked against. */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", "all-minilm-l6-v2", 384, Pooling.MEAN, false),
    /** BAAI bge-small-zh-v1.5, int8-quantised: for Chinese shops. */
    BGE_SMALL_ZH_V15_Q("bge-small-zh-v15-q", "bge-small-zh-v1.5-q", 512, Pooling.CLS, true),
    /**
     * BAAI bge-small-en-v1.5, int8-quantised: English, CLS pooling; read reviews best in issue 14's
     * measurements, at about half MiniLM's speed.
     */
    BGE_SMALL_EN_V15_Q("bge-small-en-v15-q", "bge-small-en-v1.5-q", 384, Pooling.CLS, false),
    /** intfloat e5-small-v2, int8-quantised: English, mean pooling, trained to see "query: ". */
    E5_SMALL_V2_Q("e5-small-v2-q", "e5-small-v2-q", 384, Pooling.MEAN, false, "query: ");

    private final String id;
    private final String resourceBase;
    private final int dimension;
    private final Pooling pooling;
    private final boolean caseSensitive;
    private final String prefix;

    EncoderModel(
            String id, String resourceBase, int dimension, Pooling pooling, boolean caseSensitive) {
        this(id, resourceBase, dimension, pooling, caseSensitive, "");
    }

    EncoderModel(
            String id,
            String resourceBase,
            int dimension,
            Pooling pooling,
            boolean caseSensitive,
            String prefix) {
        this.id = id;
        this.resourceBase = resourceBase;
        this.dimension = dimension;
        this.pooling = pooling;
        this.caseSensitive = caseSensitive;
        this.prefix = prefix;
    }

    /** What the model was trained to see before every text ("" for most). */
    public String prefix() {
        return prefix;
    }

    public String id() {
        return id;
    }

    public String onnxResource() {
        return resourceBase + ".onnx";
    }

    public String tokenizerResource() {
        return resourceBase + "-tokenizer.json";
    }

    public int dimension() {
        return dimension;
    }

    public Pooling pooling() {
        return pooling;
    }

    /**
     * Whether the tokenizer keeps case; if not, the cache may fold case without changing results.
     */
    public boolean caseSensitive() {
        return caseSensitive;
    }

    /** Looks a model up by its id; the error lists the ids that exist. */
    public static EncoderModel fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (EncoderModel model : values()) {
            if (model.id.equals(wanted)) {
                return model;
            }
        }
        throw new IllegalArgumentException(
                "Unknown encoder model '" + id + "'. Choose one of: " + ids() + ".");
    }

    public static String ids() {
        return Arrays.stream(values()).map(EncoderModel::id).collect(Collectors.joining(", "));
    }
}
