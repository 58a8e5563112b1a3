package io.wallaroo.python.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's compiler directives file, applied to this (real) JVM as the launcher does it. */
class JitDirectivesTest {

    /** The file the launcher ships: scripts/jit-directives.json of this checkout. */
    private static Path shippedFile() {
        Path here = Path.of("").toAbsolutePath();
        for (Path root : List.of(here.getParent(), here)) {
            Path file = root.resolve("scripts/jit-directives.json");
            if (Files.exists(file)) {
                return file;
            }
        }
        throw new AssertionError("scripts/jit-directives.json not found from " + here);
    }

    private static String printedDirectives() throws Exception {
        Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                new Object[]{new String[0]}, new String[]{String[].class.getName()});
        return String.valueOf(out);
    }

    @Test
    void theShippedFileIsTakenAndKeepsTheCompilerAndParserFromC2() throws Exception {
        String answer = JitDirectives.apply(shippedFile());
        assertEquals("1 compiler directives added", answer);
        String stack = printedDirectives();
        for (String pattern : List.of("jdk/graal/compiler/*.*", "com/oracle/graal/python/pegparser/*.*")) {
            assertTrue(stack.contains(pattern), pattern + " not in the JVM's directives:\n" + stack);
        }
    }

    @Test
    void aBrokenFileIsRefusedWithTheReasonAndWhatItCosts(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken.json"), "// not JSON HotSpot reads\n[ { match: ");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JitDirectives.apply(broken));
        assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("start-up uses more CPU"), e.getMessage());

        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> JitDirectives.apply(dir.resolve("absent.json")));
        assertTrue(missing.getMessage().contains("no such readable file"), missing.getMessage());
    }
}
