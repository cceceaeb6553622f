package chat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameCodecTest {

    @Test
    void decodesEveryClientFrame() throws Exception {
        assertEquals(new ClientFrame.Hello("alice", 1, null, "r1"),
            FrameCodec.decodeClient("{\"type\":\"hello\",\"nick\":\"alice\",\"version\":1,\"ref\":\"r1\"}"));
        assertEquals(new ClientFrame.Hello("Bob_2", 1, "tok", null),
            FrameCodec.decodeClient("{\"type\":\"hello\",\"nick\":\"Bob_2\",\"version\":1,\"session\":\"tok\"}"));
        assertEquals(new ClientFrame.Join("lobby", null, null), FrameCodec.decodeClient("{\"type\":\"join\",\"room\":\"lobby\"}"));
        assertEquals(new ClientFrame.Join("lobby", 41L, null),
            FrameCodec.decodeClient("{\"type\":\"join\",\"room\":\"lobby\",\"after\":41}"));
        assertEquals(new ClientFrame.Part("lobby", null), FrameCodec.decodeClient("{\"type\":\"part\",\"room\":\"lobby\"}"));
        assertEquals(new ClientFrame.Say("lobby", "hi\tthere\nfriend", "m1", null),
            FrameCodec.decodeClient("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\\tthere\\nfriend\",\"id\":\"m1\"}"));
        assertEquals(new ClientFrame.Who("lobby", null, Limits.MEMBERS_PAGE, "w"),
            FrameCodec.decodeClient("{\"type\":\"who\",\"room\":\"lobby\",\"ref\":\"w\"}"));
        assertEquals(new ClientFrame.Who("lobby", "Bob", 1000, null),
            FrameCodec.decodeClient("{\"type\":\"who\",\"room\":\"lobby\",\"after\":\"Bob\",\"limit\":1000}"));
        assertEquals(new ClientFrame.Rooms(null), FrameCodec.decodeClient("{\"type\":\"rooms\"}"));
        assertEquals(new ClientFrame.Dm("Bob", "psst", "d1", null),
            FrameCodec.decodeClient("{\"type\":\"dm\",\"to\":\"Bob\",\"text\":\"psst\",\"id\":\"d1\"}"));
        assertEquals(new ClientFrame.History("lobby", null, null, Limits.DEFAULT_HISTORY_PAGE, null),
            FrameCodec.decodeClient("{\"type\":\"history\",\"room\":\"lobby\"}"));
        assertEquals(new ClientFrame.History(null, "Bob", 90L, 500, "h"),
            FrameCodec.decodeClient("{\"type\":\"history\",\"with\":\"Bob\",\"before\":90,\"limit\":500,\"ref\":\"h\"}"));
        assertEquals(new ClientFrame.Received("Bob", 41, "r"),
            FrameCodec.decodeClient("{\"type\":\"received\",\"with\":\"Bob\",\"through\":41,\"ref\":\"r\"}"));
        assertEquals(new ClientFrame.Ping("p"), FrameCodec.decodeClient("{\"type\":\"ping\",\"ref\":\"p\"}"));
        assertEquals(new ClientFrame.Quit(null), FrameCodec.decodeClient("{\"type\":\"quit\"}"));
    }

    @Test
    void clientFramesSurviveARoundTrip() throws Exception {
        List<ClientFrame> frames = List.of(
            new ClientFrame.Hello("alice", 1, "s", "r"), new ClientFrame.Hello("alice", 1, null, "pass word", null, null),
            new ClientFrame.Hello("alice", 1, "s", null, "a.b.c", "r"), new ClientFrame.Register("correct horse", "g"),
            new ClientFrame.Join("a-b_c", 7L, "r2"),
            new ClientFrame.Part("x", null), new ClientFrame.Say("x", "emoji 😀 and \"quotes\"", "id-1", "r3"),
            new ClientFrame.Say("x", "an id of any script", "ид-😀-1", null),
            new ClientFrame.Say("x", "again", "id-2", true, "r5"), new ClientFrame.Dm("bob", "again", "d-2", true, null),
            new ClientFrame.Who("x", "w"), new ClientFrame.Who("x", "amy", 3, null), new ClientFrame.Rooms(null), new ClientFrame.Dm("bob", "hi 😀", "d-1", "r4"),
            new ClientFrame.History("x", null, 5L, 20, "h"), new ClientFrame.History(null, "bob", null, 50, null),
            new ClientFrame.Received("bob", 0, null), new ClientFrame.Received("bob", Long.MAX_VALUE, "r6"),
            new ClientFrame.Ping(null), new ClientFrame.Quit("q"));
        for (ClientFrame frame : frames) {
            assertEquals(frame, FrameCodec.decodeClient(FrameCodec.encode(frame)));
        }
    }

    @Test
    void jsonIsReadWithinTheLimitsOfDepthDigitsAndNames() throws Exception {
        // The frame's object is the first level.
        assertEquals(new ClientFrame.Ping("d"), FrameCodec.decodeClient(ping(nested(Limits.MAX_JSON_DEPTH - 1))));
        assertEquals(new ClientFrame.Ping("n"), FrameCodec.decodeClient(ping("9".repeat(Limits.MAX_NUMBER_DIGITS))));
        assertEquals(new ClientFrame.Ping("n"), FrameCodec.decodeClient(ping("-1." + "5".repeat(Limits.MAX_NUMBER_DIGITS - 1))));
        String longestName = "{\"type\":\"ping\",\"" + "n".repeat(Limits.MAX_FIELD_NAME_LENGTH) + "\":1}";
        assertEquals(new ClientFrame.Ping(null), FrameCodec.decodeClient(longestName));
        for (String line : List.of(ping(nested(Limits.MAX_JSON_DEPTH)), ping("9".repeat(Limits.MAX_NUMBER_DIGITS + 1)),
            ping("1." + "5".repeat(Limits.MAX_NUMBER_DIGITS - 1) + "e1"),
            "{\"type\":\"ping\",\"" + "n".repeat(Limits.MAX_FIELD_NAME_LENGTH + 1) + "\":1}")) {
            assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class, () -> FrameCodec.decodeClient(line)).code());
        }
    }

    @Test
    void aResendIsSaidWithTrueAndNothingElse() throws Exception {
        assertEquals(new ClientFrame.Say("lobby", "hi", "m1", true, null),
            FrameCodec.decodeClient("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\",\"id\":\"m1\",\"resend\":true}"));
        assertEquals(new ClientFrame.Dm("bob", "hi", "d1", false, null),
            FrameCodec.decodeClient("{\"type\":\"dm\",\"to\":\"bob\",\"text\":\"hi\",\"id\":\"d1\",\"resend\":false}"));
        assertFalse(FrameCodec.encode(new ClientFrame.Say("lobby", "hi", "m1", null)).contains("resend"));
        for (String value : List.of("1", "\"true\"", "null", "[true]")) {
            String line = "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi\",\"id\":\"m1\",\"resend\":" + value + "}";
            assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class, () -> FrameCodec.decodeClient(line)).code(),
                value);
        }
    }

    /** A ping whose unknown field x holds {@code value}; its ref says which limit it is near. */
    private static String ping(String value) {
        return "{\"type\":\"ping\",\"ref\":\"" + (value.startsWith("[") ? "d" : "n") + "\",\"x\":" + value + "}";
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void theFieldNamesOfADecodedFrameAreNotKept() throws Exception {
        // Kept names are interned: a name nobody interned before is its own canonical copy only if nobody kept it.
        String name = "n" + UUID.randomUUID() + "x".repeat(10_000);
        FrameCodec.decodeClient("{\"type\":\"ping\",\"" + name + "\":1}");
        EventCodec.decode(("{\"v\":1,\"type\":\"join\",\"room\":\"r\",\"nick\":\"a\",\"gateway\":\"g\",\"" + name + "\":1}")
            .getBytes(StandardCharsets.UTF_8));
        assertTrue(name.intern() == name, "the codecs kept the name of an unknown field");
    }

    @Test
    void aRefHoldingLoneSurrogatesIsEchoedAsSent() throws Exception {
        String ref = ((ClientFrame.Ping) FrameCodec.decodeClient("{\"type\":\"ping\",\"ref\":\"a\\ud800b\\udc00\\ud83d\\ude00\"}")).ref();
        assertEquals("a\ud800b\udc00\ud83d\ude00", ref);
        String line = new String(FrameCodec.encodeLine(new ServerFrame.Pong(ref)), StandardCharsets.UTF_8);
        assertEquals(new ServerFrame.Pong(ref), FrameCodec.decodeServer(line.strip()));
        assertEquals("{\"type\":\"pong\",\"ref\":\"a\\ud800b\\udc00\ud83d\ude00\"}", line.strip(),
            "only the lone surrogates are escaped; the pair is written as it is");
    }

    @Test
    void serverFramesSurviveARoundTrip() throws Exception {
        List<ServerFrame> frames = List.of(
            new ServerFrame.Welcome("alice", "tok", "gw1", false, "r"), new ServerFrame.Welcome("alice", "tok", "gw1", true, null),
            new ServerFrame.Registered("alice", "g"), new ServerFrame.Waited(3),
            new ServerFrame.Dm("alice", "bob", "while you were out", "d2", 14, "2026-01-01T00:00:00Z", true),
            new ServerFrame.Joined("lobby", List.of("a", "b"), 41, null),
            new ServerFrame.Joined("big", List.of("a", "b"), 5_000, true, 41, "j"),
            new ServerFrame.Parted("lobby", "r"), new ServerFrame.Presence("lobby", "a", "join"),
            new ServerFrame.Presence("lobby", "leave", List.of("a", "b", "c")),
            new ServerFrame.Ack("m1", 12, "2026-01-01T00:00:00Z", "r"),
            new ServerFrame.Message("lobby", "a", "line\nbreak", "m1", 12, "2026-01-01T00:00:00Z"),
            new ServerFrame.Dm("alice", "bob", "psst", "d1", 13, "2026-01-01T00:00:00Z"),
            new ServerFrame.Members("lobby", List.of("alice", "bob"), "w"),
            new ServerFrame.Members("big", List.of("alice", "bob"), 5_000, true, true, null),
            new ServerFrame.RoomList(List.of(new ServerFrame.RoomSummary("lobby", 2), new ServerFrame.RoomSummary("x", 1)), null),
            new ServerFrame.History("lobby", null, List.of(
                new ServerFrame.Message("lobby", "a", "one", "m1", 3, "2026-01-01T00:00:00Z"),
                new ServerFrame.Message("lobby", "b", "two", "m2", 9, "2026-01-01T00:00:01Z")), true, false, "j"),
            new ServerFrame.History(null, "bob", List.of(new ServerFrame.Dm("alice", "bob", "psst", "d1", 13,
                "2026-01-01T00:00:00Z")), false, false, null),
            new ServerFrame.History("lobby", null, List.of(), false, true, null),
            new ServerFrame.Pong(null), new ServerFrame.Bye("shutdown", null),
            new ServerFrame.Error(ErrorCode.NOT_MEMBER, "join first", "r9"));
        for (ServerFrame frame : frames) {
            String line = FrameCodec.encode(frame);
            assertEquals(-1, line.indexOf('\n'), "an encoded frame is one line");
            assertEquals(frame, FrameCodec.decodeServer(line));
        }
    }

    @Test
    void everyByeReasonTravelsAsItsWireTextAndComesBackNamed() throws Exception {
        for (ByeReason reason : ByeReason.values()) {
            if (reason == ByeReason.UNKNOWN) {
                continue;
            }
            String line = FrameCodec.encode(new ServerFrame.Bye(reason, "r"));
            assertEquals("{\"type\":\"bye\",\"reason\":\"" + reason.wireText() + "\",\"ref\":\"r\"}", line);
            ServerFrame.Bye back = (ServerFrame.Bye) FrameCodec.decodeServer(line);
            assertEquals(reason, back.why());
            assertEquals(reason.wireText(), back.reason());
        }
        assertThrows(IllegalArgumentException.class, () -> new ServerFrame.Bye(ByeReason.UNKNOWN, null));
    }

    @Test
    void aByeOfAReasonThisSideDoesNotKnowStillDecodesWithItsText() throws Exception {
        ServerFrame.Bye bye = (ServerFrame.Bye) FrameCodec.decodeServer("{\"type\":\"bye\",\"reason\":\"moved to mars\"}");
        assertEquals(ByeReason.UNKNOWN, bye.why());
        assertEquals("moved to mars", bye.reason());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "not json                                                   | bad_frame",
        "[1,2]                                                      | bad_frame",
        "{\"nick\":\"a\"}                                           | bad_frame",
        "{\"type\":7}                                               | bad_frame",
        "{\"type\":\"ping\"} {\"type\":\"ping\"}                    | bad_frame",
        "{\"type\":\"ping\",\"type\":\"quit\"}                      | bad_frame",
        "{\"type\":\"ping\",\"ref\":5}                              | bad_frame",
        "{\"type\":\"dance\"}                                       | unknown_type",
        "{\"type\":\"hello\",\"nick\":\"1abc\",\"version\":1}       | bad_nick",
        "{\"type\":\"hello\",\"nick\":\"abcdefghijklmnopqrstu\",\"version\":1} | bad_nick",
        "{\"type\":\"hello\",\"nick\":\"alice\",\"version\":2}      | bad_frame",
        "{\"type\":\"hello\",\"nick\":\"alice\"}                    | bad_frame",
        "{\"type\":\"hello\",\"nick\":\"alice\",\"version\":18446744073709551617} | bad_frame",
        "{\"type\":\"hello\",\"nick\":\"alice\",\"version\":1.0}  | bad_frame",
        "{\"type\":\"join\",\"room\":\"Lobby\"}                     | bad_room",
        "{\"type\":\"join\",\"room\":\"-x\"}                        | bad_room",
        "{\"type\":\"join\",\"room\":\"x\",\"after\":\"3\"}         | bad_frame",
        "{\"type\":\"history\"}                                 | bad_frame",
        "{\"type\":\"history\",\"room\":\"x\",\"with\":\"bob\"}      | bad_frame",
        "{\"type\":\"history\",\"room\":\"X\"}                    | bad_room",
        "{\"type\":\"history\",\"with\":\"9bob\"}                 | bad_nick",
        "{\"type\":\"history\",\"room\":\"x\",\"before\":-1}      | bad_frame",
        "{\"type\":\"history\",\"room\":\"x\",\"limit\":501}      | bad_frame",
        "{\"type\":\"history\",\"room\":\"x\",\"limit\":0}        | bad_frame",
        "{\"type\":\"history\",\"room\":\"x\",\"limit\":18446744073709551617} | bad_frame",
        "{\"type\":\"history\",\"room\":\"x\",\"before\":18446744073709551616} | bad_frame",
        "{\"type\":\"join\",\"room\":\"x\",\"after\":18446744073709551617} | bad_frame",
        "{\"type\":\"say\",\"room\":\"x\",\"text\":\"\",\"id\":\"1\"}   | bad_text",
        "{\"type\":\"say\",\"room\":\"x\",\"text\":\"a\\u0007\",\"id\":\"1\"} | bad_text",
        "{\"type\":\"say\",\"room\":\"x\",\"text\":\"\\u001b[2J\",\"id\":\"1\"} | bad_text",
        "{\"type\":\"say\",\"room\":\"x\",\"text\":\"a\\u009b\",\"id\":\"1\"} | bad_text",
        "{\"type\":\"say\",\"room\":\"x\",\"text\":\"a\"}           | bad_frame",
        "{\"type\":\"say\",\"room\":\"x\",\"text\":\"a\",\"id\":\"\"} | bad_frame",
        "{\"type\":\"say\",\"room\":\"x\",\"text\":\"a\",\"id\":\"m\\u0000\"} | bad_frame",
        "{\"type\":\"say\",\"room\":\"x\",\"text\":\"a\",\"id\":\"m\\u009b\"} | bad_frame",
        "{\"type\":\"say\",\"room\":\"x\",\"text\":\"a\",\"id\":\"m\\ud800\"} | bad_frame",
        "{\"type\":\"dm\",\"to\":\"bob\",\"text\":\"a\",\"id\":\"\\udc00m\"} | bad_frame",
        "{\"type\":\"who\"}                                        | bad_frame",
        "{\"type\":\"who\",\"room\":\"A\"}                     | bad_room",
        "{\"type\":\"who\",\"room\":\"a\",\"after\":\"9x\"}   | bad_nick",
        "{\"type\":\"who\",\"room\":\"a\",\"after\":7}       | bad_frame",
        "{\"type\":\"who\",\"room\":\"a\",\"limit\":1001}    | bad_frame",
        "{\"type\":\"who\",\"room\":\"a\",\"limit\":0}       | bad_frame",
        "{\"type\":\"who\",\"room\":\"a\",\"limit\":18446744073709552616} | bad_frame",
        "{\"type\":\"dm\",\"to\":\"9x\",\"text\":\"a\",\"id\":\"1\"} | bad_nick",
        "{\"type\":\"dm\",\"to\":\"bob\",\"text\":\"\",\"id\":\"1\"} | bad_text",
        "{\"type\":\"dm\",\"to\":\"bob\",\"text\":\"a\"}    | bad_frame",
        "{\"type\":\"received\",\"through\":3}                 | bad_frame",
        "{\"type\":\"received\",\"with\":\"9x\",\"through\":3} | bad_nick",
        "{\"type\":\"received\",\"with\":\"bob\"}            | bad_frame",
        "{\"type\":\"received\",\"with\":\"bob\",\"through\":-1} | bad_frame",
        "{\"type\":\"received\",\"with\":\"bob\",\"through\":\"3\"} | bad_frame",
        "{\"type\":\"received\",\"with\":\"bob\",\"through\":2.5} | bad_frame",
        "{\"type\":\"received\",\"with\":\"bob\",\"through\":18446744073709551617} | bad_frame",
    })
    void refusesBadFramesWithTheRightCode(String line, String code) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decodeClient(line));
        assertEquals(code, e.code().wireName(), e.getMessage());
    }

    @Test
    void anErrorCarriesTheRefOfTheFrameItAnswers() {
        ProtocolException e = assertThrows(ProtocolException.class,
            () -> FrameCodec.decodeClient("{\"type\":\"join\",\"room\":\"BAD\",\"ref\":\"r42\"}"));
        assertEquals("r42", e.ref());
    }

    @Test
    void textIsCountedInCodePointsNotChars() throws Exception {
        String fourThousandEmoji = "😀".repeat(Limits.MAX_TEXT_CODE_POINTS);
        ClientFrame ok = FrameCodec.decodeClient(FrameCodec.encode(new ClientFrame.Say("x", fourThousandEmoji, "1", null)));
        assertEquals(fourThousandEmoji, ((ClientFrame.Say) ok).text());
        String tooLong = FrameCodec.encode(new ClientFrame.Say("x", fourThousandEmoji + "a", "1", null));
        assertEquals(ErrorCode.BAD_TEXT, assertThrows(ProtocolException.class, () -> FrameCodec.decodeClient(tooLong)).code());
    }

    @Test
    void credentialsAreCheckedAndNeverPrinted() throws Exception {
        ProtocolException both = assertThrows(ProtocolException.class, () -> FrameCodec.decodeClient(
            "{\"type\":\"hello\",\"nick\":\"a\",\"version\":1,\"password\":\"p\",\"token\":\"t\"}"));
        assertEquals(ErrorCode.BAD_FRAME, both.code());
        for (String weak : List.of("short", "tab\tinside-it", "x".repeat(Limits.MAX_PASSWORD_CODE_POINTS + 1))) {
            String line = FrameCodec.encode(new ClientFrame.Register(weak, null));
            assertEquals(ErrorCode.BAD_PASSWORD,
                assertThrows(ProtocolException.class, () -> FrameCodec.decodeClient(line)).code(), weak);
        }
        String eightEmoji = "😀".repeat(Limits.MIN_PASSWORD_CODE_POINTS);
        assertEquals(new ClientFrame.Register(eightEmoji, null),
            FrameCodec.decodeClient(FrameCodec.encode(new ClientFrame.Register(eightEmoji, null))));
        String tooLongToken = FrameCodec.encode(new ClientFrame.Hello("a", 1, null, null, "t".repeat(Limits.MAX_TOKEN_LENGTH + 1), null));
        assertEquals(ErrorCode.BAD_FRAME, assertThrows(ProtocolException.class, () -> FrameCodec.decodeClient(tooLongToken)).code());

        String printed = new ClientFrame.Hello("a", 1, "session-secret", "hunter22!", "jwt-secret", null) + " "
            + new ClientFrame.Register("hunter22!", null);
        for (String secret : List.of("session-secret", "hunter22!", "jwt-secret")) {
            assertEquals(-1, printed.indexOf(secret), printed);
        }
    }

    @Test
    void nickAndRoomRules() {
        assertEquals(true, Limits.isValidNick("a"));
        assertEquals(true, Limits.isValidNick("Zed-9_x"));
        assertEquals(false, Limits.isValidNick("_a"));
        assertEquals(false, Limits.isValidNick("a b"));
        assertEquals(true, Limits.isValidRoom("0day"));
        assertEquals(true, Limits.isValidRoom("a".repeat(32)));
        assertEquals(false, Limits.isValidRoom("a".repeat(33)));
        assertEquals(false, Limits.isValidRoom("é"));
    }

    @Test
    void historyPagesOfTheServiceSurviveARoundTrip() throws Exception {
        HistoryPage page = new HistoryPage(List.of(
            new ServerFrame.Message("lobby", "a", "one", "m1", 3, "2026-01-01T00:00:00Z"),
            new ServerFrame.Dm("a", "b", "two", "d2", 7, "2026-01-01T00:00:01Z")), true);
        assertEquals(page, FrameCodec.decodeHistoryPage(FrameCodec.encode(page)));
        assertEquals(7, page.lastSeq(-1));
        assertEquals(-1, new HistoryPage(List.of(), false).lastSeq(-1));
        assertThrows(ProtocolException.class, () -> FrameCodec.decodeHistoryPage("{\"messages\":[{\"type\":\"pong\"}],\"more\":false}"));
        assertThrows(ProtocolException.class, () -> FrameCodec.decodeHistoryPage("{\"messages\":[]}"));
    }
}
