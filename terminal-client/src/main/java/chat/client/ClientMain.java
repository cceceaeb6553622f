package chat.client;

/** Entry point of the terminal client. The full-screen client is not built yet. */
public final class ClientMain {
    private ClientMain() {}

    public static void main(String[] args) {
        System.out.println("""
            usage: java -jar terminal-client.jar [--help]

            The full-screen terminal client is not built yet. Until it is, talk to a gateway with nc:
              nc 127.0.0.1 7001   (see docs/PROTOCOL.md)""");
        if (args.length == 0 || !(args[0].equals("--help") || args[0].equals("-h"))) {
            System.exit(2);
        }
    }
}
