package chat.client.screen;

import chat.client.command.Command;
import chat.client.command.CommandParser;
import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.client.session.AccountText;
import chat.client.session.ChatSession;
import chat.client.session.Credentials;
import chat.client.text.InputLine;
import chat.protocol.Limits;
import chat.protocol.ServerFrame;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.screen.Screen;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The full-screen client: keys in, a {@link ChatSession} driven, the screen painted, and what is to be remembered for
 * the next start handed on whenever it changes. One thread, the one that calls {@link #run}, owns the screen, the
 * {@link ChatView} and the input; the session tells of its changes through a bounded queue that this thread drains,
 * so nothing else ever touches the screen, and what a conversation shows is the session's immutable snapshot
 * ({@link ChatSession#shown}), read without waiting on the session. When this thread falls so far behind that the
 * queue is full (a terminal that takes no output, say), what did not fit is dropped, and the view is brought back in
 * step from the snapshot: the rooms and conversations open, their members, the connection and the account.
 *
 * <p>Enter sends what was typed; Alt+Enter (which terminals send as ESC and a newline, and Lanterna reads as
 * Ctrl+Alt+J) starts a new line of it. Pasted text keeps its newlines: between the marks of a bracketed paste
 * ({@link BracketedPaste}), and in a terminal that does not mark pastes, an Enter with more keys already waiting right
 * behind it, which no one types that fast, is taken for a newline of pasted text too.
 *
 * <p>A password is typed into a {@link Secret} in place of the input line: the screen shows its prompt and nothing of
 * what is typed, the input's history never holds it, and it is handed to the session and forgotten on Enter.
 */
public final class ChatApp {
    static final List<String> HELP = List.of(
        "/join ROOM  joins a room (Alt+1..9, Ctrl+N and Ctrl+P switch between rooms)",
        "/part [ROOM]  leaves this room, or ROOM; closes a conversation",
        "/msg NICK TEXT or @NICK TEXT  sends a direct message, in a conversation of its own",
        "/who  who is in the room (F2 shows or hides the member list)    /rooms  every room in use",
        "/register  an account for the nick",
        "/quit or \\q  leaves (Ctrl+C too)    // at the start says a line that begins with /",
        "PgUp/PgDn scroll, and bring older messages at the top; Tab completes nicks and commands",
        "Up/Down recall what was typed; Alt+Enter starts a new line; Ctrl+R sends failed messages again");
    private static final long IDLE_POLL_MILLIS = 15;
    /**
     * A paste comes in one burst: a key this long after the last one of a paste means its end mark was lost (split
     * from its escape, say), and keys are keys again rather than leave Enter a newline for good.
     */
    private static final Duration PASTE_GAP = Duration.ofSeconds(1);
    private static final int UPDATE_CAPACITY = 10_000;

    private final Screen screen;
    private final Clock clock;
    private final ChatScreen painter;
    private final ChatView view;
    private final InputLine input = new InputLine();
    private final BlockingQueue<Consumer<ChatApp>> updates = new ArrayBlockingQueue<>(UPDATE_CAPACITY);
    /** Set when the queue was full and an update was dropped: the view is brought back in step from the snapshot. */
    private final AtomicBoolean missedUpdates = new AtomicBoolean();
    private final Consumer<Memory> remember;
    private ChatSession session;
    private boolean quit;
    private boolean dirty = true;
    private boolean wantOlder;
    /** Between the marks of a bracketed paste: keys are text, and Enter a newline. */
    private boolean pasting;
    /** When the last key of the paste came. */
    private Instant pastedAt;
    private String refusal;
    private String token;
    /** The secret being typed, unseen, in place of the input; null while the input takes text. */
    private Secret secret;
    /** What was last handed to {@link #remember}; null before the first time. */
    private Memory remembered;

    /**
     * What the client remembers of its session for the next start: the rooms and the nicks of the direct
     * conversations open, each in the order of the room list, and the session token (a secret, left out of
     * {@link #toString}), or null before any gateway gave one.
     */
    public record Memory(List<String> rooms, List<String> conversations, String token) {
        public Memory {
            rooms = List.copyOf(rooms);
            conversations = List.copyOf(conversations);
        }

        @Override
        public String toString() {
            return "Memory[rooms=" + rooms + ", conversations=" + conversations + ", token="
                + (token == null ? "none" : "(secret)") + "]";
        }
    }

    /** What a secret typed in place of the input is for, and what the input asks for meanwhile. */
    private enum SecretPurpose {
        SIGN_IN, REGISTER, REGISTER_AGAIN
    }

    /**
     * A secret being typed: what it is for, what has been typed so far, and, when it is the second time a new
     * password is typed, the first.
     */
    private static final class Secret {
        final SecretPurpose purpose;
        final StringBuilder typed = new StringBuilder();
        final String first;

        Secret(SecretPurpose purpose, String first) {
            this.purpose = purpose;
            this.first = first;
        }
    }

    /**
     * @param clock the time of day messages show, and the time that tells when a paste is over
     * @param remember told, on the screen's thread, what to remember for the next start, at the start and whenever it
     *                 changes (a room joined or left, a conversation opened or closed, a token given); what it throws
     *                 is shown, and chat goes on
     */
    public ChatApp(Screen screen, Clock clock, String nick, Failover.Gateway first, Consumer<Memory> remember) {
        this.screen = screen;
        this.clock = clock;
        this.painter = new ChatScreen(clock);
        this.view = new ChatView(nick, new Failover.State.Connecting(first, 0));
        this.remember = remember;
    }

    /** The listener to give the session: it only queues what happened, for the screen's thread. */
    public ChatSession.Listener listener() {
        return new ChatSession.Listener() {
            @Override
            public void state(Failover.State state) {
                post(app -> app.view.connection(state));
            }

            @Override
            public void changed(String stream) {
                post(app -> app.dirty = true);
            }

            @Override
            public void arrived(String stream, Timeline.Entry message) {
                post(app -> app.view.arrived(stream, message));
            }

            @Override
            public void opened(String stream) {
                post(app -> app.view.open(stream));
            }

            @Override
            public void closed(String stream) {
                post(app -> app.view.close(stream));
            }

            @Override
            public void members(String room, List<String> members) {
                post(app -> app.view.members(room, members));
            }

            @Override
            public void rooms(List<ServerFrame.RoomSummary> rooms) {
                String list = rooms.isEmpty() ? "no room has anyone in it"
                    : rooms.stream().map(r -> "#" + r.room() + " (" + r.members() + ")").collect(Collectors.joining(", "));
                post(app -> app.tell("rooms: " + list));
            }

            @Override
            public void notice(String text) {
                post(app -> app.view.news(text));
            }

            @Override
            public void welcomed(String token) {
                post(app -> app.token = token);
            }

            @Override
            public void account(boolean signedIn) {
                post(app -> app.view.account(signedIn));
            }

            @Override
            public void credentialsNeeded(String why) {
                post(app -> {
                    app.askSecret(SecretPurpose.SIGN_IN, null);
                    app.view.news(why);
                });
            }

            @Override
            public void refused(String why) {
                post(app -> {
                    app.refusal = why;
                    app.quit = true;
                });
            }
        };
    }

    private void post(Consumer<ChatApp> update) {
        if (!updates.offer(update)) {
            missedUpdates.set(true);
        }
    }

    /**
     * Runs the client until the user quits or the session is refused; returns why it was refused, or null. The
     * session is started here, with the rooms and conversations of {@code start} open (the rooms first), and closed
     * before returning.
     */
    public String run(ChatSession session, Memory start) throws IOException, InterruptedException {
        this.session = session;
        this.token = start.token();
        session.start();
        start.rooms().forEach(view::open);
        start.rooms().forEach(session::join);
        for (String with : start.conversations()) {
            view.open(ChatSession.conversationWith(with));
            session.openConversation(with);
        }
        view.select(0);
        try {
            while (!quit) {
                Consumer<ChatApp> update = updates.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                while (update != null) {
                    update.accept(this);
                    dirty = true;
                    update = updates.poll();
                }
                KeyStroke key = quit ? null : screen.pollInput();
                while (key != null) {
                    KeyStroke next = screen.pollInput();
                    key(key, next != null);
                    dirty = true;
                    key = quit ? null : next;
                }
                rememberIfChanged();
                if (missedUpdates.getAndSet(false)) {
                    catchUp(session.shown());
                    dirty = true;
                }
                if (screen.doResizeIfNecessary() != null
                    || view.connection() instanceof Failover.State.Waiting) {
                    dirty = true;
                }
                if (dirty && !quit) {
                    paint();
                }
            }
        } finally {
            session.close();
        }
        return refusal;
    }

    /**
     * Brings the view back in step with what the session shows, after updates were dropped. A stream the view has and
     * the snapshot does not stays: the user may have opened it a moment ago, and the session not have taken it yet.
     */
    void catchUp(ChatSession.Shown shown) {
        shown.streams().forEach(view::open);
        shown.members().forEach(view::members);
        if (shown.state() != null) {
            view.connection(shown.state());
        }
        if (shown.account() != null) {
            view.account(shown.account());
        }
    }

    /** What the screen shows besides the conversations. For tests. */
    ChatView view() {
        return view;
    }

    /** Paints the screen as it is now. */
    void paint() throws IOException {
        dirty = false;
        String current = view.current();
        List<Timeline.Entry> entries = current == null ? List.of() : session.entries(current);
        TerminalSize size = screen.getTerminalSize();
        ChatScreen.Painted painted = painter.paint(screen.newTextGraphics(), size, view, entries, input);
        screen.setCursorPosition(painted.cursor());
        screen.refresh();
        if (wantOlder && painted.atTop() && current != null) {
            session.older(current);
        }
        wantOlder = false;
    }

    private int pageLines() {
        return Math.max(1, screen.getTerminalSize().getRows() - 4);
    }

    /** A key; {@code moreWaiting} when another came with it, as the keys of pasted text come. */
    private void key(KeyStroke key, boolean moreWaiting) {
        if (secret != null) {
            secretKey(key);
            return;
        }
        Instant now = clock.instant();
        if (key instanceof BracketedPaste.Mark mark) {
            pasting = mark.isStart();
            pastedAt = now;
            return;
        }
        if (pasting && !now.isAfter(pastedAt.plus(PASTE_GAP))) {
            pastedAt = now;
            pasted(key);
            return;
        }
        pasting = false;
        switch (key.getKeyType()) {
            case Character -> character(key);
            case Enter -> {
                if (key.isAltDown() || moreWaiting) {
                    input.newLine();
                } else {
                    submit(input.submit());
                }
            }
            case Backspace -> input.backspace();
            case Delete -> input.delete();
            case ArrowLeft -> input.left();
            case ArrowRight -> input.right();
            case Home -> input.home();
            case End -> input.end();
            case ArrowUp -> input.up();
            case ArrowDown -> input.down();
            case Tab -> input.complete(completionNicks(), CommandParser.COMMANDS);
            case PageUp -> {
                view.scroll(pageLines());
                wantOlder = true;
            }
            case PageDown -> view.scroll(-pageLines());
            case F1 -> HELP.forEach(this::tell);
            case F2 -> view.toggleMembers();
            case EOF -> quit = true;
            default -> {
                // Other keys mean nothing here.
            }
        }
    }

    /** A key of pasted text: text, whatever it would do when typed (a pasted Ctrl+C does not quit). */
    private void pasted(KeyStroke key) {
        switch (key.getKeyType()) {
            case Character -> {
                if (!key.isCtrlDown() && !key.isAltDown()) {
                    input.insert(key.getCharacter());
                }
            }
            case Enter -> input.newLine();
            case Tab -> input.insert(' ');
            default -> {
                // Not text.
            }
        }
    }

    private void character(KeyStroke key) {
        char c = key.getCharacter();
        if (key.isAltDown() && key.isCtrlDown() && (c == 'j' || c == 'm')) {
            // Alt+Enter: ESC and a newline (or a carriage return), read as Ctrl+Alt+J (or M).
            input.newLine();
        } else if (key.isAltDown() && c >= '1' && c <= '9') {
            view.select(c - '1');
        } else if (key.isCtrlDown()) {
            switch (Character.toLowerCase(c)) {
                case 'n' -> view.next();
                case 'p' -> view.previous();
                case 'a' -> input.home();
                case 'e' -> input.end();
                case 'u' -> input.clear();
                case 'w' -> input.deleteWordBefore();
                case 'r' -> {
                    if (view.current() != null) {
                        session.retry(view.current());
                    }
                }
                case 'c', 'd' -> quit = true;
                default -> {
                    // Unbound.
                }
            }
        } else if (!key.isAltDown()) {
            input.insert(c);
        }
    }

    private List<String> completionNicks() {
        String current = view.current();
        if (current == null) {
            return List.of();
        }
        return current.startsWith("@") ? List.of(current.substring(1)) : view.members(current);
    }

    private void submit(String line) {
        Command command = CommandParser.parse(line);
        if (command == null) {
            return;
        }
        String current = view.current();
        switch (command) {
            case Command.Say say -> {
                if (current == null) {
                    view.news("join a room first: /join ROOM");
                } else {
                    view.scroll(-view.scrollBack());
                    session.say(current, say.text());
                }
            }
            case Command.Join join -> {
                session.join(join.room());
                view.show(join.room());
            }
            case Command.Part part -> {
                String room = part.room() != null ? part.room() : current;
                if (room != null) {
                    session.part(room);
                    view.close(room);
                }
            }
            case Command.Msg msg -> {
                String stream = ChatSession.conversationWith(msg.nick());
                view.show(stream);
                session.say(stream, msg.text());
            }
            case Command.Who who -> {
                if (current == null || current.startsWith("@")) {
                    view.news("/who lists the members of a room: switch to one first");
                } else {
                    session.who(current);
                }
            }
            case Command.Rooms rooms -> session.rooms();
            case Command.Register register -> askSecret(SecretPurpose.REGISTER, null);
            case Command.Help help -> HELP.forEach(this::tell);
            case Command.Quit q -> quit = true;
            case Command.Invalid invalid -> {
                if (invalid.holdsSecret()) {
                    input.forgetNewest();
                }
                view.news(invalid.reason());
            }
        }
    }

    /** The input takes a secret from now on, unseen, for {@code purpose}; {@code first} is the password typed first. */
    private void askSecret(SecretPurpose purpose, String first) {
        secret = new Secret(purpose, first);
        pasting = false;
        view.secretPrompt(switch (purpose) {
            case SIGN_IN -> "password for " + view.nick() + " (not shown)";
            case REGISTER -> "new password for " + view.nick() + " (not shown; Esc cancels)";
            case REGISTER_AGAIN -> "the same password again (not shown; Esc cancels)";
        });
    }

    private void endSecret() {
        secret = null;
        view.secretPrompt(null);
    }

    /**
     * A key while a secret is typed: text goes into the secret (a pasted one too, its marks passed over), and nothing
     * else the input line does happens; Enter hands it on.
     */
    private void secretKey(KeyStroke key) {
        StringBuilder typed = secret.typed;
        switch (key.getKeyType()) {
            case Character -> {
                char c = key.getCharacter();
                if (key.isCtrlDown() && (c == 'c' || c == 'd')) {
                    quit = true;
                } else if (key.isCtrlDown() && c == 'u') {
                    typed.setLength(0);
                } else if (!key.isCtrlDown() && !key.isAltDown() && !Character.isISOControl(c)) {
                    typed.append(c);
                }
            }
            case Backspace -> {
                if (!typed.isEmpty()) {
                    typed.setLength(typed.offsetByCodePoints(typed.length(), -1));
                }
            }
            case Enter -> submitSecret();
            case Escape -> {
                if (secret.purpose == SecretPurpose.SIGN_IN) {
                    view.news("the chat waits for the password of " + view.nick() + ": type it, or Ctrl+C quits");
                } else {
                    endSecret();
                    view.news("not registered");
                }
            }
            case EOF -> quit = true;
            default -> {
                // Nothing but text, Backspace, Enter and Esc means anything while a secret is typed.
            }
        }
    }

    private void submitSecret() {
        String typed = secret.typed.toString();
        secret.typed.setLength(0);
        if (typed.isEmpty()) {
            return;
        }
        switch (secret.purpose) {
            case SIGN_IN -> {
                endSecret();
                session.signIn(new Credentials.Password(typed));
                view.news("signing in as " + view.nick());
            }
            case REGISTER -> {
                String problem = Limits.passwordProblem(typed);
                if (problem != null) {
                    endSecret();
                    view.news(AccountText.badPassword(problem));
                } else {
                    askSecret(SecretPurpose.REGISTER_AGAIN, typed);
                }
            }
            case REGISTER_AGAIN -> {
                boolean same = typed.equals(secret.first);
                endSecret();
                if (same) {
                    session.register(typed);
                    view.news("registering " + view.nick());
                } else {
                    view.news("the two passwords differ: nothing was registered; /register to try again");
                }
            }
        }
    }

    /** A line for the user in the current conversation, or above the input when there is none. */
    private void tell(String text) {
        if (view.current() == null) {
            view.news(text);
        } else {
            session.notice(view.current(), text);
        }
    }

    /**
     * Hands on what to remember when it differs from what was handed on last; after a failure, it is tried again on
     * the next change.
     */
    private void rememberIfChanged() {
        List<String> streams = view.streams();
        Memory now = new Memory(streams.stream().filter(s -> !ChatSession.isConversation(s)).toList(),
            streams.stream().filter(ChatSession::isConversation).map(s -> s.substring(1)).toList(), token);
        if (now.equals(remembered)) {
            return;
        }
        remembered = now;
        try {
            remember.accept(now);
        } catch (RuntimeException e) {
            view.news(e.getMessage());
        }
    }

    /** A line of news above the input, until the next. */
    public void news(String text) {
        view.news(text);
    }
}
