package io.segstream.app.testing;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;

/** TLS stores made at test time: no key or certificate is checked in. */
public final class TestKeystores {

    private TestKeystores() {}

    /**
     * A PKCS12 keystore with one self-signed EC key pair for {@code 127.0.0.1} and {@code
     * localhost} (subject alternative names, which TLS clients check), made by the JDK's keytool;
     * {@code password} opens the store and the key.
     */
    public static Path selfSigned(Path keystore, String alias, String password) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p =
                new ProcessBuilder(
                                keytool.toString(),
                                "-genkeypair",
                                "-alias",
                                alias,
                                "-keyalg",
                                "EC",
                                "-groupname",
                                "secp256r1",
                                "-dname",
                                "CN=127.0.0.1",
                                "-ext",
                                "SAN=ip:127.0.0.1,dns:localhost",
                                "-validity",
                                "2",
                                "-storetype",
                                "PKCS12",
                                "-keystore",
                                keystore.toString(),
                                "-storepass",
                                password,
                                "-keypass",
                                password)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        return keystore;
    }

    /**
     * A PKCS12 truststore holding only the certificate of {@code alias} in {@code keystore}: what a
     * client gets, without the private key.
     */
    public static Path trusting(Path keystore, String alias, String password, Path truststore)
            throws Exception {
        KeyStore keys = KeyStore.getInstance(keystore.toFile(), password.toCharArray());
        Certificate certificate = keys.getCertificate(alias);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(alias, certificate);
        try (OutputStream out = Files.newOutputStream(truststore)) {
            trust.store(out, password.toCharArray());
        }
        return truststore;
    }
}
