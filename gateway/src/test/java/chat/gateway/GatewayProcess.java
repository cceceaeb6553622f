package chat.gateway;

import chat.testkit.JavaProcess;
import chat.testkit.TestKafka;
import java.nio.file.Path;
import java.util.List;

/** A gateway in a process of its own, so a test can kill it as the kernel would: SIGKILL, no goodbye. */
final class GatewayProcess {
    private GatewayProcess() {}

    static JavaProcess start(String id, String topic, Path logDir) {
        return JavaProcess.start(id, GatewayMain.class, List.of("--kafka", TestKafka.bootstrapServers(), "--id", id,
            "--port", "0", "--topic", topic, "--partitions", "3", "--presence-topic", TestGateways.presenceTopicOf(topic),
            "--history-url", TestGateways.NO_HISTORY), logDir);
    }
}
