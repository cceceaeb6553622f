package chat.client.session;

import chat.client.conversation.Timeline;
import chat.client.failover.Failover;
import chat.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds what the session's core tells its listener during a turn, and tells it once the turn's snapshot is
 * published ({@link #tell}), in the order it was said: whoever hears of a change and reads {@link ChatSession#shown}
 * finds the change there. Not thread-safe: the session's thread owns it.
 */
final class TellAfterTurn implements ChatSession.Listener {
    private final ChatSession.Listener listener;
    private final List<Runnable> held = new ArrayList<>();

    TellAfterTurn(ChatSession.Listener listener) {
        this.listener = listener;
    }

    /** Tells the listener all that was held, in order. */
    void tell() {
        for (int i = 0; i < held.size(); i++) {
            held.get(i).run();
        }
        held.clear();
    }

    @Override
    public void state(Failover.State state) {
        held.add(() -> listener.state(state));
    }

    @Override
    public void changed(String stream) {
        held.add(() -> listener.changed(stream));
    }

    @Override
    public void arrived(String stream, Timeline.Entry message) {
        held.add(() -> listener.arrived(stream, message));
    }

    @Override
    public void shown(String stream, Timeline.Entry message) {
        held.add(() -> listener.shown(stream, message));
    }

    @Override
    public void filledIn(String stream, Timeline.Entry message) {
        held.add(() -> listener.filledIn(stream, message));
    }

    @Override
    public void joined(String room, long live) {
        held.add(() -> listener.joined(room, live));
    }

    @Override
    public void opened(String stream) {
        held.add(() -> listener.opened(stream));
    }

    @Override
    public void closed(String stream) {
        held.add(() -> listener.closed(stream));
    }

    @Override
    public void members(String room, List<String> members) {
        held.add(() -> listener.members(room, members));
    }

    @Override
    public void rooms(List<ServerFrame.RoomSummary> rooms) {
        held.add(() -> listener.rooms(rooms));
    }

    @Override
    public void notice(String text) {
        held.add(() -> listener.notice(text));
    }

    @Override
    public void welcomed(String token) {
        held.add(() -> listener.welcomed(token));
    }

    @Override
    public void account(boolean signedIn) {
        held.add(() -> listener.account(signedIn));
    }

    @Override
    public void credentialsNeeded(String why) {
        held.add(() -> listener.credentialsNeeded(why));
    }

    @Override
    public void refused(String why) {
        held.add(() -> listener.refused(why));
    }
}
