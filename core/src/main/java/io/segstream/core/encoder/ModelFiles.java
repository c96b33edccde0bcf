package io.segstream.core.encoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The files of one encoder model on local disk, with the SHA-256 of its ONNX graph.
 *
 * <p>ONNX Runtime opens sessions from a path (memory-mapped, no copy on the heap), so the files are
 * extracted from their carrier jar once into a cache directory and reused by every later start.
 */
public record ModelFiles(EncoderModel model, Path onnx, Path tokenizer, String sha256) {

    private static final String SHA_SUFFIX = ".sha256";

    /**
     * Extracts the model's files into {@code cacheDir/<model id>/} unless they are already there.
     */
    public static ModelFiles extract(EncoderModel model, Path cacheDir) {
        Path dir = cacheDir.resolve(model.id());
        try {
            Files.createDirectories(dir);
            Path onnx = extractOnce(model, model.onnxResource(), dir);
            Path tokenizer = extractOnce(model, model.tokenizerResource(), dir);
            String sha = Files.readString(dir.resolve(model.onnxResource() + SHA_SUFFIX)).trim();
            return new ModelFiles(model, onnx, tokenizer, sha);
        } catch (IOException e) {
            throw new EncoderException(
                    "Cannot extract model '"
                            + model.id()
                            + "' to "
                            + dir
                            + ": "
                            + e.getMessage()
                            + ". Set "
                            + EncoderConfig.MODEL_CACHE_DIR_CONFIG
                            + " to a writable directory.",
                    e);
        }
    }

    private static Path extractOnce(EncoderModel model, String resource, Path dir)
            throws IOException {
        Path target = dir.resolve(resource);
        Path shaFile = dir.resolve(resource + SHA_SUFFIX);
        // The checksum file is written last, so its presence means the extraction completed.
        if (Files.exists(target) && Files.exists(shaFile)) {
            return target;
        }
        ClassLoader loader = ModelFiles.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new EncoderException(
                        "Model resource '"
                                + resource
                                + "' of '"
                                + model.id()
                                + "' is not on the classpath. Add its carrier jar "
                                + "(dev.langchain4j:langchain4j-embeddings-"
                                + model.id()
                                + ") to the build.");
            }
            Path tmp = Files.createTempFile(dir, resource, ".part");
            MessageDigest digest = newSha256Digest();
            try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
                Files.copy(digesting, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(
                    tmp,
                    target,
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(
                    shaFile, HexFormat.of().formatHex(digest.digest()), StandardCharsets.US_ASCII);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return target;
    }

    private static MessageDigest newSha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }
}
