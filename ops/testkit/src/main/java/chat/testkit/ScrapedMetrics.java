package chat.testkit;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One scrape of a service's {@code GET /metrics}, in the Prometheus text format, with the samples looked up by name
 * and labels. Immutable.
 */
public final class ScrapedMetrics {
    private record Sample(String name, String labels, double value) {}

    private final String text;
    private final List<Sample> samples;

    private ScrapedMetrics(String text) {
        this.text = text;
        List<Sample> parsed = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            int brace = series.indexOf('{');
            String name = brace < 0 ? series : series.substring(0, brace);
            String labels = brace < 0 ? "" : series.substring(brace);
            parsed.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        this.samples = List.copyOf(parsed);
    }

    /** Scrapes {@code http://127.0.0.1:PORT/metrics}; fails the test unless it answers 200. */
    public static ScrapedMetrics scrape(int adminPort) {
        HttpResponse<String> response = LocalHttp.get(adminPort, "/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + response.statusCode() + ": " + response.body());
        }
        return new ScrapedMetrics(response.body());
    }

    /**
     * The value of the one sample named {@code name} whose labels contain every {@code key="value"} given; fails the
     * test when there is none or more than one.
     */
    public double value(String name, String... labels) {
        List<Sample> matching = samples.stream()
            .filter(s -> s.name().equals(name))
            .filter(s -> List.of(labels).stream().allMatch(l -> s.labels().contains(l)))
            .toList();
        if (matching.size() != 1) {
            throw new AssertionError(matching.size() + " samples of " + name + " " + List.of(labels) + " in:\n" + text);
        }
        return matching.getFirst().value();
    }

    /** Whether any sample has this name. */
    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    public String text() {
        return text;
    }
}
