package chat.history.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chat.history.HistoryMain;
import chat.testkit.JavaProcess;
import chat.testkit.LocalHttp;
import chat.testkit.TestDatabase;
import chat.testkit.TestKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history service as it runs, its secret in a file: the secret reaches no line of its log. */
class HistorySecretLogIT {

    @Test
    void theSecretIsInNoLogLine(@TempDir Path dir) throws Exception {
        String secret = "log-" + UUID.randomUUID();
        Path secretFile = Files.writeString(dir.resolve("history-secret"), secret + "\n");
        Path logs = Files.createDirectories(Path.of("target", "history-secret-logs", UUID.randomUUID().toString()));
        String topic = "secret-log-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        try (JavaProcess history = JavaProcess.start("history-secret", HistoryMain.class, List.of("--kafka",
            TestKafka.bootstrapServers(), "--topic", topic, "--group", topic, "--db-url", TestDatabase.sqliteUrl(dir),
            "--port", "0", "--api-secret-file", secretFile.toString()), logs)) {
            assertEquals(200, LocalHttp.send("GET", history.port(), "/rooms/lobby/messages", "Authorization",
                "Bearer " + secret).statusCode());
            assertEquals(401, LocalHttp.send("GET", history.port(), "/rooms/lobby/messages", "Authorization",
                "Bearer " + secret + "x").statusCode());
            assertEquals(401, LocalHttp.send("GET", history.port(), "/rooms/lobby/messages", "Authorization",
                secret).statusCode());
        }
        String logged;
        try (Stream<Path> files = Files.list(logs)) {
            logged = String.join("\n", files.map(HistorySecretLogIT::read).toList());
        }
        assertTrue(logged.contains("listening on"), "the log was read: " + logged);
        assertFalse(logged.contains(secret), "the log holds the secret:\n" + logged);
        assertFalse(logged.contains("no secret"), "a service with a secret does not warn of its absence");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
