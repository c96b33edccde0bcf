package io.segstream.core.encoder;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.segstream.core.math.Vectors;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BERT-family sentence encoder run with ONNX Runtime: tokenise (DJL's binding of Hugging Face
 * tokenizers), run the graph, pool the token states, L2-normalise.
 *
 * <p>The session is opened from a file path so ONNX Runtime can map the weights instead of copying
 * them onto the Java heap. Input and output names and the hidden size are checked when the encoder
 * opens, so a wrong model file fails at start-up with a message instead of at the first event.
 */
public final class OnnxTextEncoder implements TextEncoder {

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String PREFERRED_OUTPUT = "last_hidden_state";

    private static final Logger LOG = LoggerFactory.getLogger(OnnxTextEncoder.class);

    private final EncoderModel model;
    private final ModelFiles files;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean feedsTokenTypes;
    private final String outputName;
    private final boolean onGpu;
    private final java.util.concurrent.atomic.AtomicBoolean closed =
            new java.util.concurrent.atomic.AtomicBoolean();

    private OnnxTextEncoder(
            ModelFiles files,
            OrtEnvironment env,
            OrtSession session,
            HuggingFaceTokenizer tokenizer,
            boolean feedsTokenTypes,
            String outputName,
            boolean onGpu) {
        this.model = files.model();
        this.files = files;
        this.env = env;
        this.session = session;
        this.tokenizer = tokenizer;
        this.feedsTokenTypes = feedsTokenTypes;
        this.outputName = outputName;
        this.onGpu = onGpu;
    }

    /** Extracts the configured model if needed and opens it. */
    public static OnnxTextEncoder open(EncoderConfig config) {
        return open(ModelFiles.extract(config.model(), config.modelCacheDir()), config);
    }

    /** Opens the given model files, checking that the graph is the encoder {@code files} claims. */
    public static OnnxTextEncoder open(ModelFiles files, EncoderConfig config) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            boolean onGpu =
                    config.executionProvider() == EncoderConfig.ExecutionProvider.CUDA
                            && addCuda(options);
            session = env.createSession(files.onnx().toString(), options);
            boolean feedsTokenTypes = checkInputs(files, session.getInputInfo());
            String output = checkOutput(files, session.getOutputInfo());
            HuggingFaceTokenizer tokenizer = openTokenizer(files, config.maxLength());
            LOG.info(
                    "Opened encoder {} ({} dims, {} pooling, {} intra-op threads, {}) from {}",
                    files.model().id(),
                    files.model().dimension(),
                    files.model().pooling(),
                    config.intraOpThreads(),
                    onGpu ? "CUDA" : "CPU",
                    files.onnx());
            return new OnnxTextEncoder(
                    files, env, session, tokenizer, feedsTokenTypes, output, onGpu);
        } catch (OrtException e) {
            closeQuietly(session);
            throw new EncoderException(
                    "ONNX Runtime cannot open " + files.onnx() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static boolean addCuda(OrtSession.SessionOptions options) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            LOG.warn(
                    "CUDA was requested but this ONNX Runtime build has no CUDA provider "
                            + "(build with -Pgpu); running the encoder on CPU.");
            return false;
        }
        try {
            options.addCUDA(0);
            return true;
        } catch (OrtException | RuntimeException | LinkageError e) {
            LOG.warn(
                    "CUDA was requested but cannot be used ({}); running the encoder on CPU.",
                    e.getMessage());
            return false;
        }
    }

    private static boolean checkInputs(ModelFiles files, Map<String, NodeInfo> inputs) {
        Set<String> known = Set.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
        List<String> unexpected =
                inputs.keySet().stream().filter(name -> !known.contains(name)).sorted().toList();
        if (!inputs.containsKey(INPUT_IDS)
                || !inputs.containsKey(ATTENTION_MASK)
                || !unexpected.isEmpty()) {
            throw new EncoderException(
                    "Model "
                            + files.onnx()
                            + " has inputs "
                            + inputs.keySet()
                            + " but "
                            + files.model().id()
                            + " needs input_ids and attention_mask (token_type_ids optional). "
                            + "Is this file a BERT-family sentence encoder?");
        }
        return inputs.containsKey(TOKEN_TYPE_IDS);
    }

    private static String checkOutput(ModelFiles files, Map<String, NodeInfo> outputs) {
        String name =
                outputs.containsKey(PREFERRED_OUTPUT)
                        ? PREFERRED_OUTPUT
                        : outputs.keySet().iterator().next();
        long[] shape =
                outputs.get(name).getInfo() instanceof TensorInfo info ? info.getShape() : null;
        int expected = files.model().dimension();
        if (shape == null || shape.length != 3 || shape[2] != expected) {
            throw new EncoderException(
                    "Model "
                            + files.onnx()
                            + " output '"
                            + name
                            + "' has shape "
                            + (shape == null ? "none" : Arrays.toString(shape))
                            + " but "
                            + files.model().id()
                            + " needs [batch, tokens, "
                            + expected
                            + "]. The file does not match the model registry entry.");
        }
        return name;
    }

    private static HuggingFaceTokenizer openTokenizer(ModelFiles files, int maxLength) {
        try {
            // Padding is done here, to the longest text of each batch: the carrier's tokenizer.json
            // pads every text to 128 tokens, which would multiply the work for short titles.
            return HuggingFaceTokenizer.builder()
                    .optTokenizerPath(files.tokenizer())
                    .optMaxLength(maxLength)
                    .optTruncation(true)
                    .optPadding(false)
                    .optAddSpecialTokens(true)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new EncoderException(
                    "Cannot load tokenizer " + files.tokenizer() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public float[] encode(String text) {
        return encodeBatch(List.of(text == null ? "" : text)).get(0);
    }

    @Override
    public List<float[]> encodeBatch(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        TokenBatch batch = tokenize(texts);
        try {
            return run(batch);
        } catch (OrtException e) {
            throw new EncoderException(
                    "ONNX Runtime failed on a batch of "
                            + texts.size()
                            + " texts: "
                            + e.getMessage(),
                    e);
        }
    }

    private List<float[]> run(TokenBatch batch) throws OrtException {
        long[] shape = {batch.size(), batch.length()};
        Map<String, OnnxTensor> inputs = new HashMap<>(4);
        try {
            inputs.put(
                    INPUT_IDS, OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape));
            inputs.put(
                    ATTENTION_MASK,
                    OnnxTensor.createTensor(env, LongBuffer.wrap(batch.mask()), shape));
            if (feedsTokenTypes) {
                inputs.put(
                        TOKEN_TYPE_IDS,
                        OnnxTensor.createTensor(env, LongBuffer.wrap(batch.types()), shape));
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(outputName))) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                return pool(hidden, batch);
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private List<float[]> pool(FloatBuffer hidden, TokenBatch batch) {
        int dim = model.dimension();
        int length = batch.length();
        List<float[]> out = new ArrayList<>(batch.size());
        for (int b = 0; b < batch.size(); b++) {
            float[] vector = new float[dim];
            int rowStart = b * length;
            if (model.pooling() == Pooling.CLS) {
                hidden.get(rowStart * dim, vector);
            } else {
                int kept = 0;
                for (int t = 0; t < length; t++) {
                    if (batch.mask()[rowStart + t] == 0) {
                        continue;
                    }
                    kept++;
                    int offset = (rowStart + t) * dim;
                    for (int d = 0; d < dim; d++) {
                        vector[d] += hidden.get(offset + d);
                    }
                }
                float inverse = 1f / Math.max(kept, 1);
                for (int d = 0; d < dim; d++) {
                    vector[d] *= inverse;
                }
            }
            out.add(Vectors.normalize(vector));
        }
        return out;
    }

    @Override
    public int dimension() {
        return model.dimension();
    }

    @Override
    public String modelId() {
        return model.id();
    }

    /** SHA-256 of the ONNX graph, recorded in every segment model's provenance. */
    public String modelSha256() {
        return files.sha256();
    }

    public EncoderModel model() {
        return model;
    }

    public boolean onGpu() {
        return onGpu;
    }

    /** Tokenises exactly as {@link #encodeBatch} does; benchmarks use it to feed a raw session. */
    public TokenBatch tokenize(List<String> texts) {
        String prefix = model.prefix();
        return TokenBatch.of(
                tokenizer.batchEncode(
                        texts.stream().map(t -> prefix + (t == null ? "" : t)).toList()));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeQuietly(session);
            tokenizer.close();
        }
    }

    private static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("Closing the ONNX session failed: {}", e.getMessage());
        }
    }
}
