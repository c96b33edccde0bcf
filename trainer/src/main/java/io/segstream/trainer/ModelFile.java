package io.segstream.trainer;

import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.SchemaDecodingException;
import io.segstream.schemas.SegmentModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A model artifact on disk: one {@link SegmentModel} in Avro single-object encoding, the same bytes
 * as on the {@code segment-model} topic. Written once: an existing file is never replaced, since a
 * version is immutable.
 */
public final class ModelFile {

    private static final AvroCodec<SegmentModel> CODEC = AvroCodec.of(SegmentModel.class);

    private ModelFile() {}

    public static void write(SegmentModel model, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.write(file, CODEC.encode(model), StandardOpenOption.CREATE_NEW);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IllegalArgumentException(
                    "Model file "
                            + file
                            + " exists; model versions are immutable. Choose another --out.");
        }
    }

    public static SegmentModel read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Model file " + file + " not found");
        }
        try {
            return CODEC.decode(Files.readAllBytes(file));
        } catch (SchemaDecodingException e) {
            throw new IllegalArgumentException(
                    "Model file " + file + " is not a segstream model: " + e.getMessage(), e);
        }
    }

    public static byte[] encode(SegmentModel model) {
        return CODEC.encode(model);
    }

    public static SegmentModel decode(byte[] bytes) {
        return CODEC.decode(bytes);
    }
}
