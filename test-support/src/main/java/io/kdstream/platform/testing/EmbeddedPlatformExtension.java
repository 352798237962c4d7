package io.kdstream.platform.testing;

import io.kdstream.platform.embedded.EmbeddedPlatform;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests one embedded broker and one schema registry per test run (started on first use, closed when the
 * run ends). Use with {@code @ExtendWith(EmbeddedPlatformExtension.class)} and an {@link EmbeddedPlatform}
 * parameter; tests share the platform, so each uses its own topics or unique consumer groups where that matters.
 */
public final class EmbeddedPlatformExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedPlatformExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedPlatform.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedPlatform.class, key -> new SharedPlatform(EmbeddedPlatform.start(EmbeddedPlatform.defaultHome())), SharedPlatform.class)
                .platform;
    }

    /** Closed by JUnit when the root context (the whole run) closes. */
    private record SharedPlatform(EmbeddedPlatform platform) implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        @Override
        public void close() {
            platform.close();
        }
    }
}
