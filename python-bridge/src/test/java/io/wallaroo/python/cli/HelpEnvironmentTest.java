package io.wallaroo.python.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wallaroo --help} ends with the environment variables a user sets to change the launcher's
 * defaults; each one it names must be one the launcher or the engine really reads.
 */
class HelpEnvironmentTest {
    private static final List<Path> READERS = List.of(Path.of("../scripts/wallaroo"), Path.of("../scripts/graal-jvm.sh"),
            Path.of("src/main/java/io/wallaroo/python/BytecodeCache.java"),
            Path.of("src/main/java/io/wallaroo/python/codesharing/SharedImports.java"),
            Path.of("src/main/java/io/wallaroo/python/StartupTrace.java"));

    @Test
    void everyVariableTheHelpNamesIsReadSomewhere() throws IOException {
        String help = new CommandLine(new WallarooCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        StringBuilder sources = new StringBuilder();
        for (Path reader : READERS) {
            sources.append(Files.readString(reader));
        }
        Matcher names = Pattern.compile("^  (WALLAROO_[A-Z_]+)", Pattern.MULTILINE).matcher(help);
        int listed = 0;
        while (names.find()) {
            listed++;
            assertTrue(sources.indexOf(names.group(1)) >= 0, names.group(1) + " is in --help but nothing reads it");
        }
        assertTrue(listed >= 7, "the help lists the launcher's environment variables:\n" + help);
        assertFalse(help.contains("WALLAROO_AOT_RECORD"), "the build's own recording switch is not for users");
    }
}
