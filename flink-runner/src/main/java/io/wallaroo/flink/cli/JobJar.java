package io.wallaroo.flink.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the job jar for a session cluster is: next to the runner's own jar. */
final class JobJar {
    private JobJar() {}

    static Path locate() {
        try {
            Path self = Path.of(JobJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path jar = self.getParent().resolve("wallaroo-flink-job.jar");
            if (Files.isRegularFile(jar)) {
                return jar;
            }
            throw new IllegalStateException("the job jar " + jar + " is missing; run scripts/build, or pass --job-jar");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
