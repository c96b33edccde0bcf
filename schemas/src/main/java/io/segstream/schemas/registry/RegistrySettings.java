package io.segstream.schemas.registry;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach a Confluent-compatible schema registry (Confluent Schema Registry, Karapace,
 * Redpanda, Apicurio's {@code /apis/ccompat/v7}).
 *
 * @param url the API's base URL, e.g. {@code http://registry:8081}; TLS through the JVM's trust
 *     settings
 * @param basicAuthUserInfo {@code user:password} for HTTP basic auth, or null
 * @param bearerToken a bearer token, or null
 * @param strategy how subjects are named
 * @param maxBackoff the longest pause between retries while the registry does not answer
 */
public record RegistrySettings(
        String url,
        String basicAuthUserInfo,
        String bearerToken,
        SubjectNameStrategy strategy,
        Duration maxBackoff) {

    public RegistrySettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public static RegistrySettings of(String url) {
        return new RegistrySettings(
                url, null, null, SubjectNameStrategy.TOPIC, Duration.ofSeconds(5));
    }
}
