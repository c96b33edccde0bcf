package io.segstream.core.encoder;

import ai.djl.huggingface.tokenizers.Encoding;

/**
 * A batch of tokenised texts, right-padded with zeros to its longest text, flattened row-major
 * ({@code size x length}) the way ONNX Runtime takes its tensors.
 */
public record TokenBatch(int size, int length, long[] ids, long[] mask, long[] types) {

    static TokenBatch of(Encoding[] encodings) {
        int length = 0;
        for (Encoding encoding : encodings) {
            length = Math.max(length, encoding.getIds().length);
        }
        int size = encodings.length;
        long[] ids = new long[size * length];
        long[] mask = new long[size * length];
        long[] types = new long[size * length];
        for (int b = 0; b < size; b++) {
            long[] rowIds = encodings[b].getIds();
            System.arraycopy(rowIds, 0, ids, b * length, rowIds.length);
            System.arraycopy(encodings[b].getAttentionMask(), 0, mask, b * length, rowIds.length);
            System.arraycopy(encodings[b].getTypeIds(), 0, types, b * length, rowIds.length);
        }
        return new TokenBatch(size, length, ids, mask, types);
    }
}
