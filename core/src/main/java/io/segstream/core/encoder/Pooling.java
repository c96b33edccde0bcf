package io.segstream.core.encoder;

/** How token embeddings are reduced to one sentence embedding. */
public enum Pooling {
    /**
     * Mean over the tokens the attention mask keeps: what sentence-transformers MiniLM was trained
     * with.
     */
    MEAN,
    /** The first ([CLS]) token: what the BGE models were trained with. */
    CLS
}
