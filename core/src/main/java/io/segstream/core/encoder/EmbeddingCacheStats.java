package io.segstream.core.encoder;

/** A snapshot of the embedding cache's counters. */
public record EmbeddingCacheStats(
        long hits, long misses, double hitRate, long evictions, long size) {}
