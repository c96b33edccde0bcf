package io.segstream.core.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {

    @Test
    void shouldExtractOnceAndRecordTheGraphChecksum(@TempDir Path cache) throws Exception {
        ModelFiles first = ModelFiles.extract(EncoderModel.ALL_MINILM_L6_V2_Q, cache);
        var extractedAt = Files.getLastModifiedTime(first.onnx());

        ModelFiles second = ModelFiles.extract(EncoderModel.ALL_MINILM_L6_V2_Q, cache);

        assertThat(second.onnx()).isEqualTo(first.onnx());
        assertThat(Files.getLastModifiedTime(second.onnx())).isEqualTo(extractedAt);
        assertThat(first.onnx()).startsWith(cache.resolve("all-minilm-l6-v2-q"));
        assertThat(first.sha256()).isEqualTo(sha256OfResource("all-minilm-l6-v2-q.onnx"));
        try (var files = Files.list(first.onnx().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.endsWith(".part"));
        }
    }

    @Test
    void shouldReExtractWhenAnEarlierExtractionWasInterrupted(@TempDir Path cache)
            throws Exception {
        ModelFiles first = ModelFiles.extract(EncoderModel.ALL_MINILM_L6_V2_Q, cache);
        // an interrupted run leaves a graph without its checksum file
        Files.writeString(first.onnx(), "truncated");
        Files.delete(first.onnx().resolveSibling(first.onnx().getFileName() + ".sha256"));

        ModelFiles again = ModelFiles.extract(EncoderModel.ALL_MINILM_L6_V2_Q, cache);

        assertThat(Files.size(again.onnx())).isGreaterThan(1_000_000);
        assertThat(again.sha256()).isEqualTo(first.sha256());
    }

    private static String sha256OfResource(String name) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = ModelFilesTest.class.getClassLoader().getResourceAsStream(name);
                DigestInputStream d = new DigestInputStream(in, digest)) {
            d.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
