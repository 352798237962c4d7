package io.kdstream.platform.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for one run of the embedded platform, and the broker's key and certificate signed by
 * it for 127.0.0.1, made with the JDK's keytool (no library of the product's makes certificates). Clients trust
 * {@link #caCertificate()} (a PEM file); the broker serves {@link #brokerKeyStore()} (PKCS12).
 */
public record BrokerCertificates(Path caCertificate, Path brokerKeyStore, String keyStorePassword) {

    /** Valid for a week: the platform is made anew at every start. */
    private static final String VALIDITY_DAYS = "7";

    public static BrokerCertificates make(Path directory, String password) {
        Path caStore = directory.resolve("ca.p12");
        Path caPem = directory.resolve("ca.pem");
        Path brokerStore = directory.resolve("broker.p12");
        Path request = directory.resolve("broker.csr");
        Path signed = directory.resolve("broker.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", VALIDITY_DAYS,
                "-dname", "CN=kdstream embedded platform CA", "-ext", "bc:c", "-ext", "KU=keyCertSign,cRLSign",
                "-storetype", "PKCS12", "-keystore", caStore.toString(), "-storepass", password);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", password,
                "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", VALIDITY_DAYS,
                "-dname", "CN=127.0.0.1", "-storetype", "PKCS12", "-keystore", brokerStore.toString(), "-storepass", password);
        keytool("-certreq", "-alias", "broker", "-keystore", brokerStore.toString(), "-storepass", password, "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", password,
                "-validity", VALIDITY_DAYS, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-ext", "EKU=serverAuth,clientAuth",
                "-infile", request.toString(), "-outfile", signed.toString());
        // the reply is imported over the key pair once its issuer is trusted
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", brokerStore.toString(),
                "-storepass", password);
        keytool("-importcert", "-alias", "broker", "-file", signed.toString(), "-keystore", brokerStore.toString(),
                "-storepass", password);
        try {
            Files.delete(caStore); // the CA's key signs nothing more
            Files.delete(request);
            Files.delete(signed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the CA's key store in " + directory, e);
        }
        return new BrokerCertificates(caPem, brokerStore, password);
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed making the embedded broker's certificates: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool to make the embedded broker's certificates", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the embedded broker's certificates", e);
        }
    }
}
