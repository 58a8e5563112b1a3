package io.wallaroo.python.cli;

/**
 * Whether this JVM started from the AOT cache that scripts/runtime-image records: run by the build
 * in a checkout (the Flink runner's launch has a cache of its own) and by bin/wallaroo-runtime-image
 * in the distribution. The launcher passes the cache's path as {@code wallaroo.aot.cache} when it
 * offers one. The JVM skips a cache that does not match quietly, because the launcher silences its
 * messages, so this line is where a user sees it.
 */
public final class StartupCache {
    private StartupCache() {}

    /**
     * One line for start-up, or null when the launcher offered no cache and knows no way to make
     * one (nothing to report).
     */
    public static String status() {
        String cache = System.getProperty("wallaroo.aot.cache");
        if (cache == null) {
            // The distribution's launcher names its setup command when this JDK could use a cache.
            String setup = System.getProperty("wallaroo.aot.setup");
            return setup == null ? null : "JVM start-up cache: none yet; run " + setup
                    + " once to make one (ready in about half the time)";
        }
        // HotSpot reports "sharing" in java.vm.info when it mapped a class-data archive.
        if (System.getProperty("java.vm.info", "").contains("sharing")) {
            return "JVM start-up cache: on (" + cache + ")";
        }
        return "JVM start-up cache: not used: " + cache + " does not match this launch (jars rebuilt since, or"
                + " a different collector or heap layout in WALLAROO_JAVA_OPTS); record it again with what made it:"
                + " scripts/build in a checkout, bin/wallaroo-runtime-image in the distribution";
    }
}
