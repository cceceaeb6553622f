package chat.client.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CommandParserTest {

    @Test
    void commandsTheFingersKnow() {
        assertEquals(new Command.Join("lobby"), CommandParser.parse("/join lobby"));
        assertEquals(new Command.Join("lobby"), CommandParser.parse("/JOIN #Lobby"));
        assertEquals(new Command.Part(null), CommandParser.parse("/part"));
        assertEquals(new Command.Part("ops"), CommandParser.parse("/part ops"));
        assertEquals(new Command.Msg("bob", "hi there"), CommandParser.parse("/msg bob hi there"));
        assertEquals(new Command.Msg("bob", "hi there"), CommandParser.parse("@bob hi there"));
        assertEquals(new Command.Who(), CommandParser.parse("/who"));
        assertEquals(new Command.Rooms(), CommandParser.parse("/rooms"));
        assertEquals(new Command.Help(), CommandParser.parse("/help"));
        assertEquals(new Command.Quit(), CommandParser.parse("/quit"));
        assertEquals(new Command.Quit(), CommandParser.parse("\\q"));
    }

    @Test
    void plainTextIsSaidAsTyped() {
        assertEquals(new Command.Say("  hello, world"), CommandParser.parse("  hello, world  "));
        assertEquals(new Command.Say("/not a command"), CommandParser.parse("//not a command"));
        assertEquals(new Command.Say("😀 ok"), CommandParser.parse("😀 ok"));
        assertNull(CommandParser.parse("   "));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/join               | usage",
        "/join No Spaces!    | room name",
        "/msg                | usage",
        "/msg bob            | usage",
        "@9lives hi          | not a nick",
        "/teleport mars      | unknown command",
    })
    void badLinesSayWhy(String line, String reason) {
        Command.Invalid invalid = assertInstanceOf(Command.Invalid.class, CommandParser.parse(line));
        assertEquals(true, invalid.reason().contains(reason), invalid.reason());
    }

    @Test
    void textTheProtocolWouldRefuseIsRefusedHere() {
        assertInstanceOf(Command.Invalid.class, CommandParser.parse("bell\u0007"));
        assertInstanceOf(Command.Invalid.class, CommandParser.parse("x".repeat(4_001)));
    }

    @Test
    void registerTakesNoPasswordOnTheLineWhereItWouldShow() {
        assertEquals(new Command.Register(), CommandParser.parse("/register"));
        Command.Invalid invalid = assertInstanceOf(Command.Invalid.class, CommandParser.parse("/register hunter2hunter2"));
        assertEquals("type /register alone: it asks for the password where typing is not shown", invalid.reason());
        assertTrue(CommandParser.COMMANDS.contains("/register"), "Tab completes it");
    }
}
