package chat.system;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import chat.client.config.ClientConfig;
import chat.client.config.RememberedState;
import chat.client.failover.Failover.Gateway;
import chat.gateway.GatewayConfig;
import chat.gateway.Topics;
import chat.history.HistoryConfig;
import chat.ops.kafka.FailureDetection;
import chat.settings.SettingList;
import chat.settings.SettingSpec;
import chat.settings.UsageException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.NodeList;

/**
 * The Docker deployment (docker-compose.yml, Dockerfile, ops/docker/) agrees with the code it runs: every variable
 * it sets is one the program reads, the ports and topics are the ones the programs use, and the image starts the
 * jars the poms build. Each service's environment goes through its program's own settings parser, so a renamed
 * variable or a changed default shows up here. Reads files only: no Docker engine is needed.
 */
class DeploymentFilesTest {
    /** What each program is: its module, and the settings it reads from the environment. */
    private enum Program {
        GATEWAY("gateway", GatewayConfig.Setting.ALL),
        HISTORY("history-service", HistoryConfig.Setting.ALL),
        CLIENT("terminal-client", ClientConfig.Setting.ALL);

        final String module;
        final Set<String> variables;

        Program(String module, SettingList settings) {
            this.module = module;
            this.variables = settings.all().stream().map(SettingSpec::env).collect(Collectors.toUnmodifiableSet());
        }
    }

    /** Variables the image's entrypoint reads for every program, on top of the program's own. */
    private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS");
    private static final Set<String> CONDITIONS =
        Set.of("service_started", "service_healthy", "service_completed_successfully");
    private static final String ALL_INTERFACES = "0.0.0.0";
    /** Where the secret job keeps the history service's secret, in the volume the services mount. */
    private static final String SECRET_FILE = "/run/chat/history-secret";
    /** What the deployment promises: a message acked (acks=all) survives the loss of any one broker. */
    private static final int REPLICATION = 3;
    private static final String MIN_INSYNC = "2";

    private static Path root;
    private static JsonNode services;
    private static JsonNode volumes;
    private static String entrypointScript;
    /** The entrypoint's part (its first argument) that runs each program. */
    private static final Map<Program, String> partOf = new HashMap<>();
    private static final Map<Program, String> jarOf = new HashMap<>();

    @BeforeAll
    static void readFiles() throws Exception {
        root = Repository.root();
        JsonNode compose = new YAMLMapper().readTree(root.resolve("docker-compose.yml").toFile());
        services = compose.path("services");
        volumes = compose.path("volumes");
        assertTrue(services.isObject() && !services.isEmpty(), "docker-compose.yml defines no services");

        entrypointScript = Files.readString(root.resolve("ops/docker/entrypoint"));
        Map<String, String> partByJar = new HashMap<>();
        Matcher arm = Pattern.compile("(?m)^\\s*([a-z-]+)\\)\\s*jar=(\\S+)\\s*;;").matcher(entrypointScript);
        while (arm.find()) {
            partByJar.put(arm.group(2), arm.group(1));
        }
        for (Program program : Program.values()) {
            String jar = finalName(program.module) + ".jar";
            jarOf.put(program, jar);
            String part = partByJar.get(jar);
            assertNotNull(part, "ops/docker/entrypoint has no part that runs " + jar + " (the jar " + program.module
                + "/pom.xml builds); it runs " + partByJar);
            partOf.put(program, part);
        }
    }

    // ---- the compose file as a whole ----

    @Test
    void composeFileValidatesWithComposeOrByItsStructure() throws Exception {
        Optional<List<String>> compose = composeCommand();
        if (compose.isEmpty()) {
            System.out.println("DeploymentFilesTest: FALLBACK: neither docker-compose nor a working `docker compose` "
                + "is on the PATH; docker-compose.yml is checked by parsing it only");
        }
        assertAll(
            () -> {
                if (compose.isPresent()) {
                    assertComposeAccepts(compose.get());
                }
            },
            DeploymentFilesTest::assertStructure);
    }

    /** Runs `config -q` of the compose given, with every profile on so that every service is checked. */
    private static void assertComposeAccepts(List<String> compose) throws Exception {
        List<String> command = new ArrayList<>(compose);
        for (String profile : profiles()) {
            command.addAll(List.of("--profile", profile));
        }
        command.addAll(List.of("-f", "docker-compose.yml", "config", "-q"));
        String shown = "`" + String.join(" ", command) + "`";
        System.out.println("DeploymentFilesTest: validating with " + shown);
        Run run = run(command);
        assertEquals(0, run.exit, shown + " found docker-compose.yml invalid:\n" + run.output);
    }

    /** What `config` checks and more, for when no compose is installed; it runs whether or not one is. */
    private static void assertStructure() {
        assertTrue(volumes.isObject(), "docker-compose.yml declares no volumes");
        Set<String> mounted = new TreeSet<>();
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            String name = service.getKey();
            JsonNode s = service.getValue();
            assertTrue(s.has("image") || s.has("build"), name + " has neither an image nor a build");
            if (s.has("build")) {
                JsonNode build = s.get("build");
                String context = build.isTextual() ? build.asText() : build.path("context").asText(".");
                Path dir = inRepo(name + "'s build context", context);
                assertTrue(Files.isRegularFile(dir.resolve(build.path("dockerfile").asText("Dockerfile"))),
                    name + " builds from " + context + ", which has no Dockerfile");
            }
            for (JsonNode file : list(s.path("env_file"))) {
                inRepo(name + "'s env_file", file.isTextual() ? file.asText() : file.path("path").asText());
            }
            dependsOn(s).forEach((target, condition) -> assertDependency(name, target, condition));
            for (JsonNode mount : list(s.path("volumes"))) {
                String source = mount.isTextual()
                    ? (mount.asText().contains(":") ? mount.asText().substring(0, mount.asText().indexOf(':')) : "")
                    : mount.path("source").asText("");
                if (source.isEmpty()) {
                    continue;
                }
                if (Stream.of(".", "/", "~", "$").anyMatch(source::startsWith)) {
                    inRepo(name + "'s bind mount", source);
                } else {
                    assertTrue(volumes.has(source), name + " mounts the volume " + source + ", which is not declared");
                    mounted.add(source);
                }
            }
        }
        Set<String> declared = new TreeSet<>();
        volumes.fieldNames().forEachRemaining(declared::add);
        assertEquals(declared, mounted, "every declared volume is mounted by a service");

        List<String> checked = new ArrayList<>(brokers().keySet());
        checked.addAll(servicesWithImage("postgres"));
        checked.addAll(servicesRunning(Program.HISTORY).keySet());
        checked.addAll(servicesRunning(Program.GATEWAY).keySet());
        assertTrue(checked.size() >= 8, "brokers, postgres, history and gateways: " + checked);
        for (String name : checked) {
            assertTrue(hasHealthcheck(services.get(name)), name + " has no health check");
        }

        Set<String> jobs = new TreeSet<>();
        services.forEach(s -> dependsOn(s).forEach((target, condition) -> {
            if (condition.equals("service_completed_successfully")) {
                jobs.add(target);
            }
        }));
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            boolean interactive = service.getValue().has("profiles");
            if (!jobs.contains(service.getKey()) && !interactive) {
                assertEquals("unless-stopped", service.getValue().path("restart").asText(),
                    service.getKey() + " runs for good, so it should come back after a crash or a reboot");
            }
        }
    }

    private static void assertDependency(String name, String target, String condition) {
        assertTrue(services.has(target), name + " depends on " + target + ", which is no service");
        assertTrue(CONDITIONS.contains(condition), name + " waits for " + target + " to be " + condition);
        if (condition.equals("service_healthy")) {
            assertTrue(hasHealthcheck(services.get(target)),
                name + " waits for " + target + " to be healthy, and it has no health check");
        }
        if (condition.equals("service_completed_successfully")) {
            String restart = services.get(target).path("restart").asText("no");
            assertTrue(restart.equals("no") || restart.startsWith("on-failure"),
                name + " waits for " + target + " to complete, which restart: " + restart + " may never let it do");
        }
    }

    // ---- the services' settings ----

    @Test
    void theHistorySecretIsMadeOnceInAVolumeOnlyTheHistoryAndTheGatewaysMount() {
        JsonNode job = services.get("secret");
        assertNotNull(job, "a secret job makes the history service's secret");
        String script = String.join("\n", words(job.path("command")));
        assertTrue(script.contains("[ ! -s " + SECRET_FILE + " ]") && script.contains("/dev/urandom"),
            "the job makes a random secret only when there is none yet: " + script);
        assertTrue(script.contains("chown 10001:10001 " + SECRET_FILE) && script.contains("chmod 0400 " + SECRET_FILE),
            "the secret is readable by the image's user alone: " + script);
        String volume = null;
        for (JsonNode mount : list(job.path("volumes"))) {
            String[] parts = mount.asText().split(":");
            if (Path.of(SECRET_FILE).startsWith(Path.of(parts[1]))) {
                volume = parts[0];
            }
        }
        assertNotNull(volume, "the job writes the secret into a volume");
        Set<String> readers = new TreeSet<>();
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            for (JsonNode mount : list(service.getValue().path("volumes"))) {
                if (mount.asText().startsWith(volume + ":") && !service.getKey().equals("secret")) {
                    assertTrue(mount.asText().endsWith(":ro"), service.getKey() + " mounts the secret read-only");
                    readers.add(service.getKey());
                }
            }
        }
        Set<String> expected = new TreeSet<>(servicesRunning(Program.HISTORY).keySet());
        expected.addAll(servicesRunning(Program.GATEWAY).keySet());
        assertEquals(expected, readers, "only the history service and the gateways read the secret");
        servicesRunning(Program.HISTORY).forEach((name, service) -> assertEquals("service_completed_successfully",
            dependsOn(service).get("secret"), name + " starts once the secret is made"));
    }

    @Test
    void everyVariableSetOnAServiceIsOneItsProgramReads() {
        assertTrue(entrypointScript.contains("${JAVA_OPTS"), "ops/docker/entrypoint passes JAVA_OPTS to the JVM");
        Map<Program, Integer> counted = new TreeMap<>();
        for (Program program : Program.values()) {
            for (Map.Entry<String, JsonNode> service : servicesRunning(program).entrySet()) {
                counted.merge(program, 1, Integer::sum);
                for (String variable : environment(service.getValue()).keySet()) {
                    assertTrue(program.variables.contains(variable) || IMAGE_VARIABLES.contains(variable),
                        service.getKey() + " sets " + variable + ", which " + program.module + " does not read; it "
                            + "reads " + new TreeSet<>(program.variables));
                }
            }
        }
        assertTrue(counted.getOrDefault(Program.GATEWAY, 0) >= 3, "three gateways at least: " + counted);
        assertTrue(counted.getOrDefault(Program.HISTORY, 0) >= 1, "a history service: " + counted);
        assertEquals(1, counted.getOrDefault(Program.CLIENT, 0), "one client service: " + counted);
    }

    @Test
    void gatewaysPublishTheirChatAndTlsPortsAloneAndPresentTheHistorySecret() throws UsageException {
        Map<String, HistoryConfig> histories = historyConfigs();
        Map<String, GatewayConfig> gateways = gatewayConfigs();
        for (int n = 1; n <= 3; n++) {
            assertTrue(gateways.containsKey("gw" + n), "a gateway service gw" + n + " among " + gateways.keySet());
            assertEquals(7000 + n, gateways.get("gw" + n).port(), "gw" + n + "'s port");
        }

        Set<Integer> ports = new TreeSet<>();
        for (Map.Entry<String, GatewayConfig> gateway : gateways.entrySet()) {
            String name = gateway.getKey();
            GatewayConfig config = gateway.getValue();
            JsonNode service = services.get(name);
            ports.add(config.port());
            assertEquals(ALL_INTERFACES, config.host(),
                name + " must listen on every interface to be reached through its published port");
            assertEquals(ALL_INTERFACES, config.adminHost(), name + "'s admin port must listen on every interface");
            assertPublishedAsIs(name, service, config.port());
            assertTrue(config.tls(), name + " serves TLS");
            assertEquals(config.port() + 2000, config.tlsPort(), name + "'s TLS port");
            assertPublishedAsIs(name, service, config.tlsPort());
            assertMounted(name, service, config.tlsCert());
            assertMounted(name, service, config.tlsKey());
            assertNotPublished(name, service, config.adminPort());
            assertEquals(config.adminPort(), healthcheckPort(name, service),
                name + " checks its health on its admin port");
            assertNotNull(config.historySecret(), name + " presents the history service's secret");

            URI history = config.historyUrl();
            assertTrue(histories.containsKey(history.getHost()),
                name + "'s history URL " + history + " names no service running the history service");
            assertEquals(histories.get(history.getHost()).port(), history.getPort(),
                name + "'s history URL " + history + " is not the history service's port");
        }
        assertEquals(gateways.size(), ports.size(), "every gateway has a port of its own: " + ports);

        for (Map.Entry<String, HistoryConfig> history : histories.entrySet()) {
            String name = history.getKey();
            HistoryConfig config = history.getValue();
            JsonNode service = services.get(name);
            assertEquals(ALL_INTERFACES, config.host(), name + " must listen on every interface");
            assertEquals(ALL_INTERFACES, config.adminHost(), name + "'s admin port must listen on every interface");
            assertNotPublished(name, service, config.port());
            assertNotPublished(name, service, config.adminPort());
            assertEquals(config.adminPort(), healthcheckPort(name, service),
                name + " checks its health on its admin port");
            assertNotNull(config.apiSecret(), name + " asks a secret of every query");
            String secretFile = environment(service).get("HISTORY_API_SECRET_FILE");
            assertEquals(SECRET_FILE, secretFile, name + " reads the secret the secret job makes");
            assertMounted(name, service, Path.of(secretFile));
            for (Map.Entry<String, JsonNode> gateway : servicesRunning(Program.GATEWAY).entrySet()) {
                assertEquals(secretFile, environment(gateway.getValue()).get("CHAT_HISTORY_SECRET_FILE"),
                    gateway.getKey() + " presents the secret " + name + " asks");
                assertMounted(gateway.getKey(), gateway.getValue(), Path.of(secretFile));
            }
            assertTrue(config.dbUrl().startsWith("jdbc:postgresql://"), name + " keeps its history in PostgreSQL");
            String dbHost = URI.create(config.dbUrl().substring("jdbc:".length())).getHost();
            assertTrue(servicesWithImage("postgres").contains(dbHost),
                name + "'s database " + dbHost + " is no postgres service");
        }

        for (Map.Entry<String, JsonNode> client : servicesRunning(Program.CLIENT).entrySet()) {
            ClientConfig config = ClientConfig.parse(new String[0], environment(client.getValue()),
                Path.of("/home/chat"), null, RememberedState.EMPTY);
            Set<String> named = new TreeSet<>();
            for (Gateway address : config.gateways()) {
                GatewayConfig gateway = gateways.get(address.host());
                assertNotNull(gateway, client.getKey() + " names " + address + ", which is no gateway service");
                assertEquals(gateway.port(), address.port(), client.getKey() + " names " + address + ", not its port");
                named.add(address.host());
            }
            assertEquals(gateways.keySet(), named, client.getKey() + " knows every gateway, to fail over to");
        }
    }

    // ---- Kafka ----

    @Test
    void topicsJobCreatesTheTopicsTheServicesUseAsTheGatewayWould() throws UsageException {
        Map<String, GatewayConfig> gateways = gatewayConfigs();
        Map<String, HistoryConfig> histories = historyConfigs();
        Map<String, CreatedTopic> created = createdTopics();

        Set<String> used = new TreeSet<>();
        gateways.values().forEach(g -> used.addAll(List.of(g.topic(), g.presenceTopic(), g.presenceSnapshotTopic())));
        histories.values().forEach(h -> used.add(h.topic()));
        assertEquals(used, created.keySet(), "the topics the job creates are the ones the services use");

        for (CreatedTopic topic : created.values()) {
            assertTrue(topic.ifNotExists,
                topic.name + " is created with --if-not-exists, so that the job can run again");
            assertEquals(REPLICATION, topic.replication, topic.name + "'s replication factor");
            assertEquals(MIN_INSYNC, topic.configs.get("min.insync.replicas"), topic.name + "'s min.insync.replicas");
        }
        for (Map.Entry<String, GatewayConfig> gateway : gateways.entrySet()) {
            String name = gateway.getKey();
            GatewayConfig config = gateway.getValue();
            CreatedTopic events = created.get(config.topic());
            assertEquals(config.topicPartitions(), events.partitions,
                name + " would give " + events.name + " other partitions");
            assertEquals(config.topicReplication(), events.replication,
                name + " would replicate " + events.name + " otherwise");
            assertEquals(Topics.chatTopicConfigs(config), events.configs, name + " would set " + events.name + " otherwise");
            CreatedTopic presence = created.get(config.presenceTopic());
            CreatedTopic snapshots = created.get(config.presenceSnapshotTopic());
            for (CreatedTopic oneOrder : List.of(presence, snapshots)) {
                assertEquals(1, oneOrder.partitions, oneOrder.name + " is read in one order by every gateway");
                assertEquals(config.topicReplication(), oneOrder.replication,
                    name + " would replicate " + oneOrder.name + " otherwise");
            }
            assertEquals(Topics.presenceTopicConfigs(config), presence.configs,
                name + " would set " + presence.name + " otherwise");
            assertEquals(Topics.presenceSnapshotTopicConfigs(config), snapshots.configs,
                name + " would set " + snapshots.name + " otherwise");
        }

        Map<String, Integer> brokers = brokers();
        Map<String, String> bootstraps = new TreeMap<>();
        gateways.forEach((name, config) -> bootstraps.put(name, config.kafkaBootstrapServers()));
        histories.forEach((name, config) -> bootstraps.put(name, config.kafkaBootstrapServers()));
        created.values().forEach(topic -> bootstraps.put("the job creating " + topic.name, topic.bootstrapServers));
        for (Map.Entry<String, String> bootstrap : bootstraps.entrySet()) {
            for (String server : bootstrap.getValue().split(",")) {
                String host = server.substring(0, server.lastIndexOf(':'));
                int port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
                String which = bootstrap.getKey() + "'s Kafka server " + server;
                assertTrue(brokers.containsKey(host), which + " is no broker of " + brokers);
                assertEquals(brokers.get(host), port, which + " is not the broker's port");
            }
        }
    }

    @Test
    void kafkaIsThreeCombinedNodesOfOneCluster() {
        Map<String, Integer> brokers = brokers();
        assertEquals(Set.of("kafka1", "kafka2", "kafka3"), brokers.keySet());
        Set<String> clusterIds = new TreeSet<>();
        Set<String> voterLists = new TreeSet<>();
        Set<String> voters = new TreeSet<>();
        for (String name : brokers.keySet()) {
            Map<String, String> env = environment(services.get(name));
            assertEquals(Set.of("broker", "controller"), Set.of(env.get("KAFKA_PROCESS_ROLES").split(",")),
                name + "'s roles");
            clusterIds.add(env.getOrDefault("CLUSTER_ID", ""));
            voterLists.add(env.getOrDefault("KAFKA_CONTROLLER_QUORUM_VOTERS", ""));
            int controllerPort =
                listenerPort(env.getOrDefault("KAFKA_LISTENERS", ""), env.get("KAFKA_CONTROLLER_LISTENER_NAMES"));
            voters.add(env.get("KAFKA_NODE_ID") + "@" + name + ":" + controllerPort);
            assertEquals("false", env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"),
                name + " must not create topics on first use");
            assertEquals(String.valueOf(REPLICATION), env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"),
                name + "'s offsets topic replication");
            assertEquals(String.valueOf(REPLICATION), env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"),
                name + "'s transaction log replication");
            assertEquals(MIN_INSYNC, env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"),
                name + "'s transaction log min ISR");
            String logDir = env.get("KAFKA_LOG_DIRS");
            assertTrue(list(services.get(name).path("volumes")).stream().map(JsonNode::asText)
                    .anyMatch(v -> v.endsWith(":" + logDir) && volumes.has(v.substring(0, v.indexOf(':')))),
                name + " keeps its log dir " + logDir + " on a named volume");
        }
        assertEquals(1, clusterIds.size(), "one CLUSTER_ID for every node: " + clusterIds);
        assertFalse(clusterIds.iterator().next().isBlank(), "a CLUSTER_ID is set");
        assertEquals(1, voterLists.size(), "every node names the same controller quorum: " + voterLists);
        assertEquals(voters, new TreeSet<>(List.of(voterLists.iterator().next().split(","))),
            "the quorum's voters are the nodes, each with its own id and controller port");
    }

    @Test
    void everyKafkaNodeDetectsAFailedNodeAsTheLocalClusterOfThreeDoes() {
        Map<String, Integer> brokers = brokers();
        assertEquals(3, brokers.size(), "three Kafka nodes: " + brokers.keySet());
        for (String name : brokers.keySet()) {
            Map<String, String> env = environment(services.get(name));
            FailureDetection.FAST.settings().forEach((property, value) -> {
                String variable = "KAFKA_" + property.toUpperCase(Locale.ROOT).replace('.', '_');
                assertEquals(value, env.get(variable), name + " sets " + property + " (" + variable + ") as ops/local-kafka"
                    + " FailureDetection.FAST does, so that the loss of a node costs what docs/ARCHITECTURE.md says");
            });
        }
    }

    // ---- the image ----

    @Test
    void dockerfileRunsTheJarsThePomsBuildAsNonRootOnAJre21() throws Exception {
        List<String> instructions = dockerInstructions(Files.readString(root.resolve("Dockerfile")));
        int lastFrom = -1;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM ")) {
                lastFrom = i;
            }
        }
        assertTrue(lastFrom > 0, "the Dockerfile has a build stage and a runtime stage");
        List<String> runtime = instructions.subList(lastFrom, instructions.size());

        String base = runtime.getFirst().split("\\s+")[1];
        Matcher jre = Pattern.compile("[^:]*:(\\d+)[._\\d]*-jre\\b.*").matcher(base);
        assertTrue(jre.matches(), "the runtime stage starts from a JRE image with its version in the tag: " + base);
        assertTrue(Integer.parseInt(jre.group(1)) >= 21, "the runtime JRE is 21 or newer: " + base);

        String user = last(runtime, "USER").orElse("root");
        String userName = user.split(":")[0];
        assertFalse(userName.equals("root") || userName.equals("0"),
            "the image runs as a user other than root: " + user);
        Pattern createsUser =
            Pattern.compile("(?s)RUN .*\\b(useradd|adduser)\\b.*\\b" + Pattern.quote(userName) + "\\b.*");
        assertTrue(userName.matches("\\d+") || runtime.stream().anyMatch(i -> createsUser.matcher(i).matches()),
            "the runtime stage creates its user " + userName);

        Set<String> installed = installedFiles(instructions, lastFrom);
        JsonNode entrypoint = new YAMLMapper().readTree(last(runtime, "ENTRYPOINT").orElse("none"));
        assertTrue(entrypoint.isArray(),
            "the ENTRYPOINT is in exec form, so that the JVM gets the signals: " + entrypoint);
        String entrypointPath = entrypoint.get(0).asText();
        assertTrue(entrypointPath.endsWith("/entrypoint") && installed.contains(entrypointPath),
            "the ENTRYPOINT " + entrypointPath + " is ops/docker/entrypoint, installed by the Dockerfile; it installs "
                + installed);

        Matcher exec = Pattern.compile("exec java .*-jar \"([^\"$]*)\\$jar\"").matcher(entrypointScript);
        assertTrue(exec.find(), "ops/docker/entrypoint execs java -jar DIR/$jar");
        String jarDir = exec.group(1);
        for (Program program : Program.values()) {
            String jar = jarOf.get(program);
            assertTrue(installed.contains(jarDir + jar), "the entrypoint runs " + jarDir + jar + " for "
                + partOf.get(program) + ", which the Dockerfile does not install; it installs " + installed);
            String built = program.module + "/target/" + jar + " ";
            assertTrue(runtime.stream().anyMatch(i -> i.startsWith("COPY --from=") && i.contains(built)),
                "the image takes " + jar + " from " + program.module + "/target, where its pom builds it");
        }

        for (Map.Entry<String, JsonNode> service : services.properties()) {
            if (!service.getValue().has("build")) {
                continue;
            }
            List<String> override = words(service.getValue().path("entrypoint"));
            if (!override.isEmpty()) {
                assertEquals(entrypointPath, override.getFirst(),
                    service.getKey() + " replaces the image's entrypoint");
            }
            List<String> check = words(service.getValue().path("healthcheck").path("test"));
            if (!check.isEmpty() && check.getFirst().equals("CMD")) {
                assertTrue(installed.contains(check.get(1)), service.getKey() + "'s health check runs " + check.get(1)
                    + ", which the image does not have; it has " + installed);
            }
        }
    }

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    private static List<String> dockerInstructions(String dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || (stripped.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            instructions.add(current.append(stripped).toString().strip());
            current.setLength(0);
        }
        return instructions;
    }

    /** The argument of the last instruction of that kind. */
    private static Optional<String> last(List<String> instructions, String kind) {
        return instructions.stream().filter(i -> i.startsWith(kind + " ")).reduce((first, second) -> second)
            .map(i -> i.substring(kind.length() + 1).strip());
    }

    /**
     * The paths the runtime stage's COPY instructions put files at. On the way, asserts that every file copied from
     * the build context (in any stage) exists and is not kept out of the context by .dockerignore.
     */
    private static Set<String> installedFiles(List<String> instructions, int runtimeStart) throws IOException {
        Set<String> installed = new TreeSet<>();
        for (int i = 0; i < instructions.size(); i++) {
            if (!instructions.get(i).startsWith("COPY ")) {
                continue;
            }
            List<String> words = new ArrayList<>(List.of(instructions.get(i).split("\\s+")));
            words.removeFirst();
            boolean fromStage = words.removeIf(w -> w.startsWith("--from="));
            words.removeIf(w -> w.startsWith("--"));
            String destination = words.removeLast();
            for (String source : words) {
                if (!fromStage) {
                    assertInBuildContext(source);
                }
                if (i > runtimeStart) {
                    String file = source.substring(source.lastIndexOf('/') + 1);
                    installed.add(destination.endsWith("/") ? destination + file : destination);
                }
            }
        }
        return installed;
    }

    private static void assertInBuildContext(String source) throws IOException {
        Path path = Path.of(source);
        assertTrue(Files.exists(root.resolve(path)), "the Dockerfile copies " + source + ", which does not exist");
        Path ignore = root.resolve(".dockerignore");
        if (!Files.exists(ignore)) {
            return;
        }
        for (String pattern : Files.readAllLines(ignore, StandardCharsets.UTF_8)) {
            pattern = pattern.strip();
            if (pattern.isEmpty() || pattern.startsWith("#") || pattern.startsWith("!")) {
                continue;
            }
            // Docker's **/ also matches at the top, Java's glob does not: try the pattern without it too.
            List<PathMatcher> matchers = Stream.of(pattern, pattern.replaceFirst("^\\*\\*/", ""))
                .map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p)).toList();
            for (Path prefix = path; prefix != null; prefix = prefix.getParent()) {
                Path candidate = prefix;
                assertFalse(matchers.stream().anyMatch(m -> m.matches(candidate)),
                    "the Dockerfile copies " + source + ", which .dockerignore keeps out with " + pattern);
            }
        }
    }

    /** The {@code <finalName>} in the module's pom: the name of the jar it builds. */
    private static String finalName(String module) throws Exception {
        var factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        NodeList names = factory.newDocumentBuilder().parse(root.resolve(module).resolve("pom.xml").toFile())
            .getElementsByTagName("finalName");
        assertEquals(1, names.getLength(), module + "/pom.xml names its jar once");
        String name = names.item(0).getTextContent().strip();
        assertNotEquals("", name, module + "/pom.xml names its jar");
        return name;
    }

    // ---- reading the compose file ----

    /** Services built from the Dockerfile that run the program, by name: the part given to the entrypoint says. */
    private static Map<String, JsonNode> servicesRunning(Program program) {
        Map<String, JsonNode> running = new TreeMap<>();
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            JsonNode s = service.getValue();
            if (!s.has("build")) {
                continue;
            }
            List<String> entrypoint = words(s.path("entrypoint"));
            List<String> arguments =
                entrypoint.isEmpty() ? words(s.path("command")) : entrypoint.subList(1, entrypoint.size());
            assertFalse(arguments.isEmpty(), service.getKey() + " does not say which part of the image it runs");
            assertTrue(partOf.containsValue(arguments.getFirst()), service.getKey() + " runs the part "
                + arguments.getFirst() + ", which ops/docker/entrypoint does not have: " + partOf.values());
            if (arguments.getFirst().equals(partOf.get(program))) {
                running.put(service.getKey(), s);
            }
        }
        return running;
    }

    private static Map<String, GatewayConfig> gatewayConfigs() throws UsageException {
        Map<String, GatewayConfig> configs = new TreeMap<>();
        for (Map.Entry<String, JsonNode> service : servicesRunning(Program.GATEWAY).entrySet()) {
            configs.put(service.getKey(), GatewayConfig.parse(new String[0], withStandInSecret(environment(service.getValue()))));
        }
        return configs;
    }

    /**
     * The environment with the secret file, which only the deployment's volume holds, replaced by a file of the same
     * kind here, so the settings parse as they would in the container.
     */
    private static Map<String, String> withStandInSecret(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>(env);
        out.replaceAll((name, value) -> value.equals(SECRET_FILE) ? standInSecret().toString() : value);
        return out;
    }

    private static Path standInSecret() {
        try {
            Path file = root.resolve("ops/system-tests/target/stand-in-history-secret");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "a stand-in for the secret the secret job makes\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, HistoryConfig> historyConfigs() throws UsageException {
        Map<String, HistoryConfig> configs = new TreeMap<>();
        for (Map.Entry<String, JsonNode> service : servicesRunning(Program.HISTORY).entrySet()) {
            configs.put(service.getKey(), HistoryConfig.parse(new String[0], withStandInSecret(environment(service.getValue()))));
        }
        return configs;
    }

    /** Kafka brokers by service name, each with the port of the listener it advertises under that name. */
    private static Map<String, Integer> brokers() {
        Map<String, Integer> brokers = new TreeMap<>();
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            String name = service.getKey();
            Map<String, String> env = environment(service.getValue());
            if (!List.of(env.getOrDefault("KAFKA_PROCESS_ROLES", "").split(",")).contains("broker")) {
                continue;
            }
            String advertised = env.getOrDefault("KAFKA_ADVERTISED_LISTENERS", "");
            Matcher listener = Pattern.compile("PLAINTEXT://([^:,]+):(\\d+)").matcher(advertised);
            assertTrue(listener.find(), name + " advertises no PLAINTEXT listener: " + advertised);
            assertEquals(name, listener.group(1), name + " advertises itself under its service name");
            int port = Integer.parseInt(listener.group(2));
            assertEquals(port, listenerPort(env.getOrDefault("KAFKA_LISTENERS", ""), "PLAINTEXT"),
                name + " advertises the port it listens on");
            brokers.put(name, port);
        }
        return brokers;
    }

    /** The port of the named listener in a {@code NAME://HOST:PORT,...} list. */
    private static int listenerPort(String listeners, String name) {
        Matcher listener = Pattern.compile("(?:^|,)" + Pattern.quote(name) + "://[^:,]*:(\\d+)").matcher(listeners);
        assertTrue(listener.find(), "no " + name + " listener in " + listeners);
        return Integer.parseInt(listener.group(1));
    }

    private record CreatedTopic(String name, int partitions, int replication, Map<String, String> configs,
                                boolean ifNotExists, String bootstrapServers) {}

    /** The topics the one service running kafka-topics.sh --create creates, by name, as its command line says. */
    private static Map<String, CreatedTopic> createdTopics() {
        List<String> jobs = new ArrayList<>();
        String script = "";
        for (Map.Entry<String, JsonNode> service : services.properties()) {
            List<String> words = new ArrayList<>(words(service.getValue().path("entrypoint")));
            words.addAll(words(service.getValue().path("command")));
            String text = String.join(" ", words);
            if (text.contains("kafka-topics.sh") && text.contains("--create")) {
                jobs.add(service.getKey());
                script = text;
            }
        }
        assertEquals(1, jobs.size(), "one service creates the topics: " + jobs);

        Map<String, CreatedTopic> topics = new TreeMap<>();
        for (String line : script.replace("\\\n", " ").split("\n")) {
            if (!line.contains("kafka-topics.sh") || !line.contains("--create")) {
                continue;
            }
            Map<String, String> options = new HashMap<>();
            Map<String, String> configs = new TreeMap<>();
            List<String> words = List.of(line.strip().split("\\s+"));
            for (int i = 0; i < words.size(); i++) {
                String word = words.get(i);
                if (!word.startsWith("--") || word.equals("--create") || word.equals("--if-not-exists")) {
                    continue;
                }
                String value = words.get(++i);
                if (word.equals("--config")) {
                    configs.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
                } else {
                    options.put(word, value);
                }
            }
            String name = options.get("--topic");
            assertNotNull(name, "a kafka-topics.sh --create without --topic: " + line);
            topics.put(name, new CreatedTopic(name, Integer.parseInt(options.getOrDefault("--partitions", "-1")),
                Integer.parseInt(options.getOrDefault("--replication-factor", "-1")), configs,
                words.contains("--if-not-exists"), options.getOrDefault("--bootstrap-server", "")));
        }
        return topics;
    }

    /** A service's environment, from either of compose's two forms; a variable without a value maps to "". */
    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode environment = service.path("environment");
        if (environment.isObject()) {
            environment.properties().forEach(e ->
                env.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        } else {
            for (JsonNode entry : list(environment)) {
                String text = entry.asText();
                int eq = text.indexOf('=');
                env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? "" : text.substring(eq + 1));
            }
        }
        return env;
    }

    /** depends_on as target and condition, from either of compose's two forms (a list means service_started). */
    private static Map<String, String> dependsOn(JsonNode service) {
        Map<String, String> dependencies = new TreeMap<>();
        JsonNode dependsOn = service.path("depends_on");
        if (dependsOn.isObject()) {
            dependsOn.properties().forEach(e ->
                dependencies.put(e.getKey(), e.getValue().path("condition").asText("service_started")));
        } else {
            list(dependsOn).forEach(target -> dependencies.put(target.asText(), "service_started"));
        }
        return dependencies;
    }

    private static boolean hasHealthcheck(JsonNode service) {
        JsonNode check = service.path("healthcheck");
        List<String> test = words(check.path("test"));
        return !check.path("disable").asBoolean(false) && !test.isEmpty() && !test.getFirst().equals("NONE");
    }

    /** The port a service's health check asks: its last argument. */
    private static int healthcheckPort(String name, JsonNode service) {
        List<String> test = words(service.path("healthcheck").path("test"));
        assertFalse(test.isEmpty(), name + " has no health check");
        return Integer.parseInt(test.getLast());
    }

    /** Asserts that the service publishes the port on the same port of the host. */
    private static void assertPublishedAsIs(String name, JsonNode service, int port) {
        List<String> published = published(service);
        assertTrue(published.contains(port + "->" + port),
            name + " publishes its port " + port + " on the host's " + port + "; it publishes " + published);
    }

    /** Asserts that the service does not publish the port on the host, on any interface: the compose network only. */
    private static void assertNotPublished(String name, JsonNode service, int port) {
        List<String> published = published(service);
        assertTrue(published.stream().noneMatch(p -> p.endsWith("->" + port)),
            name + " must keep its port " + port + " on the compose network; it publishes " + published);
    }

    /** Asserts that the file is in a directory the service mounts. */
    private static void assertMounted(String name, JsonNode service, Path file) {
        List<String> targets = new ArrayList<>();
        for (JsonNode volume : list(service.path("volumes"))) {
            String[] parts = volume.isObject() ? new String[] {volume.path("source").asText(), volume.path("target").asText()}
                : volume.asText().split(":");
            targets.add(parts.length > 1 ? parts[1] : parts[0]);
        }
        assertTrue(targets.stream().anyMatch(t -> file.startsWith(Path.of(t))),
            name + " reads " + file + ", in none of the directories it mounts: " + targets);
    }

    /** The service's published ports, as {@code HOSTPORT->CONTAINERPORT}. */
    private static List<String> published(JsonNode service) {
        List<String> published = new ArrayList<>();
        for (JsonNode entry : list(service.path("ports"))) {
            if (entry.isObject()) {
                published.add(entry.path("published").asText("") + "->" + entry.path("target").asText());
            } else {
                String[] parts = entry.asText().replaceFirst("/(tcp|udp)$", "").split(":");
                published.add((parts.length > 1 ? parts[parts.length - 2] : "") + "->" + parts[parts.length - 1]);
            }
        }
        return published;
    }

    private static List<String> servicesWithImage(String image) {
        List<String> names = new ArrayList<>();
        services.properties().forEach(s -> {
            if (s.getValue().path("image").asText().startsWith(image + ":")) {
                names.add(s.getKey());
            }
        });
        return names;
    }

    private static Set<String> profiles() {
        Set<String> profiles = new TreeSet<>();
        services.forEach(s -> list(s.path("profiles")).forEach(p -> profiles.add(p.asText())));
        return profiles;
    }

    /** A compose command line: a string is split at blanks, a list taken as it is. */
    private static List<String> words(JsonNode node) {
        if (node.isTextual()) {
            return List.of(node.asText().strip().split("\\s+"));
        }
        return list(node).stream().map(JsonNode::asText).toList();
    }

    private static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else if (!node.isMissingNode() && !node.isNull()) {
            items.add(node);
        }
        return items;
    }

    /** The path resolved in the repository, after asserting that it stays inside it. */
    private static Path inRepo(String what, String path) {
        assertFalse(path.startsWith("~") || path.startsWith("$"), what + " " + path + " depends on the machine");
        Path resolved = root.resolve(path).normalize();
        assertTrue(resolved.startsWith(root), what + " " + path + " is outside the repository");
        return resolved;
    }

    // ---- compose itself, where one is installed ----

    /** `docker compose` where the plugin answers, else `docker-compose` where it answers, else none. */
    private static Optional<List<String>> composeCommand() throws Exception {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            if (onPath(candidate.getFirst())) {
                List<String> version = new ArrayList<>(candidate);
                version.add("version");
                if (run(version).exit == 0) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator))
            .filter(dir -> !dir.isEmpty())
            .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws Exception {
        Path output = Files.createTempFile("compose", ".out");
        try {
            Process process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("`" + String.join(" ", command) + "` did not finish within 2 minutes");
            }
            return new Run(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
