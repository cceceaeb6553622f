package chat.client.screen;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the screen shows besides the conversations themselves: the rooms and direct conversations in the order they
 * were opened, which one is current, unread counts and mentions, members, the connection's state, a line of news
 * and how far the message pane is scrolled back. Not thread-safe: the screen's thread owns it.
 */
public final class ChatView {
    /** Per room or conversation: messages not seen yet, and whether one of them names the user. */
    private static final class Marks {
        int unread;
        boolean mentioned;
    }

    private final String nick;
    private final Pattern mention;
    private final List<String> streams = new ArrayList<>();
    private final Map<String, Marks> marks = new HashMap<>();
    private final Map<String, List<String>> members = new HashMap<>();
    private int current = -1;
    private boolean membersShown = true;
    private Failover.State connection;
    private String news = "";
    /** Whether the session is signed in to an account; null until a gateway has said. */
    private Boolean account;
    /** What the input asks for while it takes a secret, unseen; null while it takes text. */
    private String secretPrompt;
    /** Lines of the message pane hidden below its bottom: 0 follows the conversation as it grows. */
    private int scrollBack;

    public ChatView(String nick, Failover.State connection) {
        this.nick = nick;
        this.connection = connection;
        this.mention = Pattern.compile("(?i)(?<![A-Za-z0-9_-])" + Pattern.quote(nick) + "(?![A-Za-z0-9_-])");
    }

    public String nick() {
        return nick;
    }

    /** Adds a room or conversation to the list; the first one opened becomes current. */
    public void open(String stream) {
        if (!streams.contains(stream)) {
            streams.add(stream);
            marks.put(stream, new Marks());
            if (current < 0) {
                current = 0;
            }
        }
    }

    public void close(String stream) {
        int at = streams.indexOf(stream);
        if (at < 0) {
            return;
        }
        streams.remove(at);
        marks.remove(stream);
        members.remove(stream);
        if (at == current) {
            // The user moves to another one: the news told of the one closed.
            news = "";
        }
        if (current >= streams.size() || at < current) {
            current = Math.max(current - 1, streams.isEmpty() ? -1 : 0);
        }
        scrollBack = 0;
    }

    public List<String> streams() {
        return List.copyOf(streams);
    }

    /** The current room or conversation, or null when there is none. */
    public String current() {
        return current < 0 ? null : streams.get(current);
    }

    /** Makes a stream current (opening it if needed), and counts it as read. */
    public void show(String stream) {
        open(stream);
        select(streams.indexOf(stream));
    }

    /**
     * Makes the stream at {@code index} (from 0) current; an index past the list changes nothing. Moving to another
     * one clears the news: it told of the one left.
     */
    public void select(int index) {
        if (index < 0 || index >= streams.size()) {
            return;
        }
        if (index != current) {
            scrollBack = 0;
            news = "";
        }
        current = index;
        Marks m = marks.get(streams.get(index));
        m.unread = 0;
        m.mentioned = false;
    }

    public void next() {
        if (!streams.isEmpty()) {
            select((current + 1) % streams.size());
        }
    }

    public void previous() {
        if (!streams.isEmpty()) {
            select((current - 1 + streams.size()) % streams.size());
        }
    }

    /** A message from someone else arrived: unread unless its stream is in view. */
    public void arrived(String stream, Timeline.Entry message) {
        Marks m = marks.get(stream);
        if (m == null || stream.equals(current())) {
            return;
        }
        m.unread++;
        m.mentioned |= stream.startsWith("@") || mentions(message.text());
    }

    /** Whether a text names the user, as a word of its own. */
    public boolean mentions(String text) {
        return mention.matcher(text).find();
    }

    public int unread(String stream) {
        Marks m = marks.get(stream);
        return m == null ? 0 : m.unread;
    }

    public boolean mentioned(String stream) {
        Marks m = marks.get(stream);
        return m != null && m.mentioned;
    }

    public void members(String room, List<String> nicks) {
        members.put(room, List.copyOf(nicks));
    }

    /** The members of a room as last heard; empty for a conversation. */
    public List<String> members(String stream) {
        return members.getOrDefault(stream, List.of());
    }

    public void toggleMembers() {
        membersShown = !membersShown;
    }

    public boolean membersShown() {
        return membersShown;
    }

    public void connection(Failover.State state) {
        this.connection = state;
    }

    public Failover.State connection() {
        return connection;
    }

    /** One line for the user, shown above the input until the next, or until the user moves to another room. */
    public void news(String text) {
        this.news = text;
    }

    public String news() {
        return news;
    }

    public void account(boolean signedIn) {
        this.account = signedIn;
    }

    /** Whether the session is signed in to an account: null until a gateway has said, then true or false (a guest). */
    public Boolean account() {
        return account;
    }

    /** The input takes a secret, unseen, asking for it with {@code prompt}; null when it takes text again. */
    public void secretPrompt(String prompt) {
        this.secretPrompt = prompt;
    }

    public String secretPrompt() {
        return secretPrompt;
    }

    public int scrollBack() {
        return scrollBack;
    }

    /** Scrolls back by {@code lines} (forward when negative), never below the bottom. */
    public void scroll(int lines) {
        scrollBack = Math.max(0, scrollBack + lines);
    }

    /** Caps the scroll where the pane shows the first line of all, once the pane knows how many lines there are. */
    public void clampScroll(int most) {
        scrollBack = Math.min(scrollBack, Math.max(0, most));
    }
}
