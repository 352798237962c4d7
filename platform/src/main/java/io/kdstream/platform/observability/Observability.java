package io.kdstream.platform.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process's metrics: services record into {@link #registry()}; {@link io.kdstream.platform.service.StatusServer} serves them in the
 * Prometheus text format. One registry a process, because one process may run several services (the demo).
 */
public final class Observability {

    private static final PrometheusMeterRegistry PROMETHEUS = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    static {
        Metrics.addRegistry(PROMETHEUS);
    }

    private Observability() {
    }

    public static MeterRegistry registry() {
        return PROMETHEUS;
    }

    /** The registry in Prometheus text format, what {@code /metrics} answers. */
    public static String scrape() {
        return PROMETHEUS.scrape();
    }
}
