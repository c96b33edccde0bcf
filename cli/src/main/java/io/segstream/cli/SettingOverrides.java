package io.segstream.cli;

import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code -D key=value} option shared by the commands that run the app. */
final class SettingOverrides {

    @Option(
            names = {"-D", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Override one setting, e.g. -D segments.k=8 (see README for every key).")
    Map<String, String> values = new HashMap<>();

    Map<String, Object> asSettings() {
        return new HashMap<>(values);
    }
}
