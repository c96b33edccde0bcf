package io.segstream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option of the commands that talk to a cluster: a properties file. */
final class ConfigFileOption {

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "A properties file of segstream settings (topics, security, serde).")
    Path configFile;

    /** The file's settings, then the {@code -D} overrides on top. */
    Map<String, Object> settings(SettingOverrides overrides) throws IOException {
        Map<String, Object> settings = new HashMap<>();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new IOException(
                        "Config file "
                                + configFile
                                + " not found; pass an existing properties file to --config.");
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(configFile)) {
                p.load(in);
            }
            p.forEach((k, v) -> settings.put(k.toString(), v));
        }
        settings.putAll(overrides.asSettings());
        return settings;
    }
}
