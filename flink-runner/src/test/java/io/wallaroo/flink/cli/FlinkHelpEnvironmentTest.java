package io.wallaroo.flink.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wallaroo --engine flink --help} ends with the environment variables the launcher reads for
 * the Flink runner's JVM; each one it names must really be read on that path.
 */
class FlinkHelpEnvironmentTest {
    @Test
    void everyVariableTheHelpNamesIsReadByTheLauncher() throws IOException {
        String help = new CommandLine(new FlinkCommand()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        String launcher = Files.readString(Path.of("../scripts/wallaroo")) + Files.readString(Path.of("../scripts/graal-jvm.sh"));
        Matcher names = Pattern.compile("^  (WALLAROO_[A-Z_]+)", Pattern.MULTILINE).matcher(help);
        int listed = 0;
        while (names.find()) {
            listed++;
            assertTrue(launcher.contains(names.group(1)), names.group(1) + " is in --help but the launcher does not read it");
        }
        assertTrue(listed >= 4, "the help lists the launcher's environment variables:\n" + help);
    }
}
