package io.segstream.core.head;

import io.segstream.schemas.AvroCodec;
import io.segstream.schemas.HeadModel;
import io.segstream.schemas.SchemaDecodingException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A head artifact: one {@link HeadModel} in Avro single-object encoding, on disk (written once: a
 * version is immutable, so an existing file is never replaced) and on the heads topic.
 */
public final class HeadFile {

    private static final AvroCodec<HeadModel> CODEC = AvroCodec.of(HeadModel.class);

    private HeadFile() {}

    /** The file name of a head version: {@code <name>-v<version>.head.avro}. */
    public static String fileName(HeadModel head) {
        return head.getName() + "-v" + head.getVersion() + ".head.avro";
    }

    public static void write(HeadModel head, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.write(file, CODEC.encode(head), StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalArgumentException(
                    "Head file " + file + " exists; head versions are immutable.");
        }
    }

    /** A head's bytes, as on the heads topic. */
    public static byte[] encode(HeadModel head) {
        return CODEC.encode(head);
    }

    public static HeadModel decode(byte[] bytes) {
        return CODEC.decode(bytes);
    }

    public static HeadModel read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Head file " + file + " not found");
        }
        try {
            return CODEC.decode(Files.readAllBytes(file));
        } catch (SchemaDecodingException e) {
            throw new IllegalArgumentException(
                    "Head file " + file + " is not a segstream head: " + e.getMessage(), e);
        }
    }
}
