package io.segstream.core.encoder;

import java.util.List;

/**
 * Turns text into a fixed-size, L2-normalised sentence embedding.
 *
 * <p>Implementations are thread-safe. {@link #encodeBatch} exists because one model call on a batch
 * is several times cheaper per text than one call per text.
 */
public interface TextEncoder extends AutoCloseable {

    /** Returns the unit-length embedding of {@code text}. */
    float[] encode(String text);

    /** Returns the embeddings of {@code texts}, in the same order. */
    List<float[]> encodeBatch(List<String> texts);

    /** Number of dimensions of every embedding. */
    int dimension();

    /** Identifier of the model, e.g. {@code all-minilm-l6-v2-q}. */
    String modelId();

    /**
     * Releases native resources; no checked exception, so callers can use try-with-resources
     * freely.
     */
    @Override
    void close();
}
