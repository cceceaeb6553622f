package chat.admin;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The meter registry of one running service, with the JVM's own meters bound to it. */
public final class ServiceMetrics {
    private ServiceMetrics() {}

    /**
     * A registry whose every meter is tagged with the service ({@code gateway}, {@code history}) and the instance
     * (the gateway's id), so that one Prometheus query can sum or tell apart the instances.
     */
    public static PrometheusMeterRegistry registry(String service, String instance) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service, "instance_id", instance);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // Listens to GC notifications for the life of the process, as the registry lives.
        new JvmGcMetrics().bindTo(registry);
        return registry;
    }
}
