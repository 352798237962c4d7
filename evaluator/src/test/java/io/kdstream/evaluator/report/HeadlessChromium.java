package io.kdstream.evaluator.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} in headless mode, for tests that check what a browser really makes of a page. Missing
 * chromium is a failure with the fix in its message, never a skip: {@code ./kdstream test} installs it.
 */
final class HeadlessChromium {

    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser named by {@code CHROMIUM_BIN}, or the first chromium on the PATH. */
    static HeadlessChromium find() {
        String configured = System.getenv("CHROMIUM_BIN");
        if (configured != null && !configured.isBlank()) {
            return new HeadlessChromium(Path.of(configured));
        }
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : NAMES) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return new HeadlessChromium(candidate);
                }
            }
        }
        throw new AssertionError("no chromium on the PATH (looked for " + NAMES + "): install it with 'apt-get install -y chromium' "
                + "(./kdstream test does) or set CHROMIUM_BIN");
    }

    /** The page's DOM after the browser has parsed it. */
    String dumpDom(String url, Path workDir) throws IOException, InterruptedException {
        return new String(run(workDir, "--dump-dom", url), StandardCharsets.UTF_8);
    }

    /** A PNG of the page as the browser paints it. */
    Path screenshot(String url, Path workDir, int width, int height) throws IOException, InterruptedException {
        Path png = workDir.resolve("screenshot.png");
        run(workDir, "--screenshot=" + png, "--window-size=" + width + "," + height, url);
        return png;
    }

    private byte[] run(Path workDir, String... arguments) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(workDir, "chromium-profile");
        // Pages come from 127.0.0.1. Without the resolver rule Chromium looks names up through the machine's DNS
        // server at every start (16 queries seen with strace); with it, its one remaining connect() is a UDP socket
        // aimed at Google's IPv6 DNS address to probe for an IPv6 route, which sends nothing.
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        Path out = workDir.resolve("chromium-" + System.nanoTime() + ".out");
        Path log = workDir.resolve("chromium-" + System.nanoTime() + ".log");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
        // a guard against a hung browser, not a timing assertion
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("chromium exited with " + process.exitValue() + ": " + command + "\n" + Files.readString(log));
        }
        return Files.readAllBytes(out);
    }
}
