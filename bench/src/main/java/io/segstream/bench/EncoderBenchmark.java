package io.segstream.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.segstream.core.encoder.EncoderConfig;
import io.segstream.core.encoder.EncoderModel;
import io.segstream.core.encoder.ModelFiles;
import io.segstream.core.encoder.OnnxTextEncoder;
import io.segstream.core.encoder.TokenBatch;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Texts per second through the encoder's full path (tokenise, run, pool, normalise) against a raw
 * ONNX Runtime session call on the same texts, tokenised beforehand, with the same session options.
 *
 * <p>Each operation embeds 200 real product titles or 200 real reviews ({@code texts}) in batches
 * of {@code batchSize}, so the score is in texts per second. {@code threads} is ONNX Runtime's
 * intra-op thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(
        value = 1,
        jvmArgsAppend = {"-DOPT_OUT_TRACKING=true", "-Xss4m"})
public class EncoderBenchmark {

    @Param({"all-minilm-l6-v2-q", "all-minilm-l6-v2", "bge-small-en-v15-q", "e5-small-v2-q"})
    public String model;

    /** What is encoded: product titles, or customer reviews (longer: up to the 128 tokens). */
    @Param({"titles", "reviews"})
    public String texts;

    @Param({"1", "2"})
    public int threads;

    @Param({"1", "8", "32", "64"})
    public int batchSize;

    private OnnxTextEncoder encoder;
    private List<List<String>> textBatches;
    private OrtSession rawSession;
    private List<Map<String, OnnxTensor>> rawInputs;

    @Setup(Level.Trial)
    public void open() throws OrtException {
        EncoderConfig config =
                EncoderConfig.defaults()
                        .withModel(EncoderModel.fromId(model))
                        .withIntraOpThreads(threads);
        encoder = OnnxTextEncoder.open(config);
        List<String> titles =
                texts.equals("reviews") ? BenchData.realReviews() : BenchData.realTitles();
        textBatches = new ArrayList<>();
        for (int i = 0; i < titles.size(); i += batchSize) {
            textBatches.add(titles.subList(i, Math.min(titles.size(), i + batchSize)));
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        ModelFiles files = ModelFiles.extract(config.model(), config.modelCacheDir());
        rawSession = env.createSession(files.onnx().toString(), options);
        rawInputs = new ArrayList<>();
        for (List<String> batch : textBatches) {
            TokenBatch tokens = encoder.tokenize(batch);
            long[] shape = {tokens.size(), tokens.length()};
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put(
                    "input_ids",
                    OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.ids()), shape));
            inputs.put(
                    "attention_mask",
                    OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.mask()), shape));
            if (rawSession.getInputNames().contains("token_type_ids")) {
                inputs.put(
                        "token_type_ids",
                        OnnxTensor.createTensor(env, LongBuffer.wrap(tokens.types()), shape));
            }
            rawInputs.add(inputs);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.TEXTS)
    public void encoderFullPath(Blackhole bh) {
        for (List<String> batch : textBatches) {
            bh.consume(encoder.encodeBatch(batch));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.TEXTS)
    public void rawSessionRun(Blackhole bh) throws OrtException {
        for (Map<String, OnnxTensor> inputs : rawInputs) {
            try (OrtSession.Result result = rawSession.run(inputs)) {
                bh.consume(result.get(0));
            }
        }
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        rawInputs.forEach(m -> m.values().forEach(OnnxTensor::close));
        rawSession.close();
        encoder.close();
    }
}
