package io.kdstream.platform.embedded;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Finds the Apicurio Registry distribution and unpacks it once under the kdstream home directory.
 *
 * <p>The build puts the distribution into the local Maven repository (platform/pom.xml); if it is not there, this
 * class fetches it through Maven, so a registry is one command away on any machine that can reach Maven Central.
 */
final class RegistryDistribution {

    private static final Logger log = LoggerFactory.getLogger(RegistryDistribution.class);
    static final String VERSION = loadVersion();
    private static final String ARTIFACT = "io.apicurio:apicurio-registry-app:" + VERSION + ":tar.gz:all";

    private RegistryDistribution() {
    }

    private static String loadVersion() {
        try (InputStream in = RegistryDistribution.class.getResourceAsStream("registry.properties")) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("apicurio.version");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("registry.properties is missing from the kdstream-platform-embedded jar", e);
        }
    }

    /** The runner jar of an unpacked distribution, unpacking it first if needed. */
    static Path runnerJar(Path kdstreamHome) {
        Path home = kdstreamHome.resolve("registry").resolve("apicurio-registry-app-" + VERSION);
        Path jar = home.resolve("apicurio-registry-app-" + VERSION + "-runner.jar");
        if (Files.isRegularFile(jar)) {
            return jar;
        }
        Path archive = locateArchive();
        unpack(archive, home);
        return jar;
    }

    private static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    private static Path locateArchive() {
        Path archive = localRepository().resolve(Path.of("io", "apicurio", "apicurio-registry-app", VERSION,
                "apicurio-registry-app-" + VERSION + "-all.tar.gz"));
        if (!Files.isRegularFile(archive)) {
            fetchThroughMaven();
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the Apicurio Registry distribution is not at " + archive + " and could not be fetched;"
                    + " run: mvn org.apache.maven.plugins:maven-dependency-plugin:2.8:get -Dartifact=" + ARTIFACT + " -Dtransitive=false");
        }
        return archive;
    }

    private static void fetchThroughMaven() {
        log.info("Fetching the schema registry distribution {} through Maven (about 110 MB, once)", ARTIFACT);
        try {
            Path scratch = Files.createTempDirectory("kdstream-registry-fetch-");
            // dependency plugin 2.8 copies without reading the artifact's parent POM, which Maven Central does not serve
            Process maven = new ProcessBuilder("mvn", "-B", "-q", "org.apache.maven.plugins:maven-dependency-plugin:2.8:copy",
                    "-Dartifact=" + ARTIFACT, "-DoutputDirectory=" + scratch)
                    .directory(scratch.toFile()).inheritIO().start();
            if (!maven.waitFor(10, TimeUnit.MINUTES) || maven.exitValue() != 0) {
                maven.destroyForcibly();
                log.warn("Maven could not fetch {}", ARTIFACT);
            }
            EmbeddedKafkaBroker.deleteRecursively(scratch);
        } catch (IOException e) {
            log.warn("could not run mvn to fetch {}: {}", ARTIFACT, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void unpack(Path archive, Path home) {
        log.info("Unpacking {} to {}", archive.getFileName(), home);
        try {
            Files.createDirectories(home.getParent());
            Path scratch = Files.createTempDirectory(home.getParent(), "unpacking-");
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(archive), 1 << 16)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path target = scratch.resolve(entry.getName()).normalize();
                    if (!target.startsWith(scratch)) {
                        throw new IOException("archive entry escapes the target directory: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            // A concurrent unpack may have won the race; either copy is complete.
            try {
                Files.move(scratch, home, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                EmbeddedKafkaBroker.deleteRecursively(scratch);
                if (!Files.isDirectory(home)) {
                    throw raced;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the schema registry distribution " + archive, e);
        }
    }

}
