package io.kdstream.cli.deploy;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** The repository the tests run in: its root (found from the working directory) and the root POM's facts. */
final class Repository {

    private static final Path ROOT = findRoot();

    private Repository() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    /** The project's version: images are tagged with it. */
    static String projectVersion() {
        return childText(rootPom().getDocumentElement(), "version");
    }

    /** A property of the root POM, such as {@code kafka.version}: what the code is built against. */
    static String property(String name) {
        Element properties = (Element) rootPom().getDocumentElement().getElementsByTagName("properties").item(0);
        String value = childText(properties, name);
        if (value == null) {
            throw new IllegalStateException("the root pom.xml has no property " + name);
        }
        return value;
    }

    private static Document rootPom() {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the root pom.xml", e);
        }
    }

    private static String childText(Element parent, String name) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().trim();
            }
        }
        return null;
    }

    private static Path findRoot() {
        // surefire runs in cli/; an IDE may run anywhere below the root
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker/Dockerfile")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (with docker/Dockerfile) above " + Path.of("").toAbsolutePath());
    }
}
