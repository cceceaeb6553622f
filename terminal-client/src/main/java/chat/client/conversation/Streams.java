package chat.client.conversation;

import chat.protocol.Limits;
import java.util.Comparator;

/**
 * How the client names what it shows and compares nicks, written once for the session and the screen: a stream is a
 * room's name, or {@code @} and the folded nick of the other side for a direct conversation; two nicks are one when
 * {@link Limits#foldNick} says so, and lists of nicks are sorted by that folded form. Stateless.
 */
public final class Streams {
    /** Sorts nicks as the cluster compares them: {@code bob} before {@code Carol}. */
    public static final Comparator<String> NICK_ORDER = Comparator.comparing(Limits::foldNick);

    private static final String CONVERSATION_MARK = "@";

    private Streams() {}

    /** The stream of the direct conversation with {@code nick}. */
    public static String conversationWith(String nick) {
        return CONVERSATION_MARK + Limits.foldNick(nick);
    }

    /** Whether a stream is a direct conversation rather than a room. */
    public static boolean isConversation(String stream) {
        return stream.startsWith(CONVERSATION_MARK);
    }

    /** The nick on the other side of a direct conversation's stream. */
    public static String peerOf(String conversation) {
        return conversation.substring(CONVERSATION_MARK.length());
    }

    /** Whether two nicks are the same nick. */
    public static boolean sameNick(String a, String b) {
        return Limits.foldNick(a).equals(Limits.foldNick(b));
    }
}
