package org.gdtls;

import static org.gdtls.ProcessProbe.mallocInUseBytes;
import static org.gdtls.ProcessProbe.rssKb;

import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

/**
 * S7 memory check: many connect/handshake/close cycles, {@code concurrency} pairs at once (async handshakes
 * on one pump: each waits ~300 ms in the backend), then the process's RSS growth and the GObjects left alive.
 *
 * <p>Live GObjects are counted with the tests' jnr-ffi oracle, which shares no code with the binding: it takes
 * its own reference on every connection and socket the binding creates; once the binding closed them, the
 * oracle's must be the only reference left (otherwise the object counts as live), and dropping it finalizes
 * the object. The shared certificate and trust database are checked the same way at the end. In package
 * org.gdtls to read the wrappers' handles; run by scripts/bench.sh ({@code mvn -Pbench exec:exec@memory}).
 *
 * <p>RSS is read from /proc/self/status after a warm-up (JIT, GLib's thread pools, malloc arenas) and at the
 * end. The JVM runs with a fixed, pre-touched heap so the Java heap adds nothing to the growth, and with Native
 * Memory Tracking, whose diff over the same span tells how much of the growth the JVM itself committed (code
 * cache, metaspace, thread stacks, its own mallocs) rather than the native libraries. glibc's malloc_info
 * (through jnr-ffi) tells the bytes malloc has handed out and not got back, over all arenas: if those stay
 * flat while RSS grows, the growth is fragmentation or retained free memory, not a leak.
 *
 * <pre>MemoryCycles CYCLES [CONCURRENCY (128)] [WARMUP CYCLES (CONCURRENCY * 4)]</pre>
 */
public final class MemoryCycles {
    private static final int TRACE_EVERY = 1024;

    private final LiveGObjects liveObjects = new LiveGObjects();

    public static void main(String[] args) throws Exception {
        int cycles = Integer.parseInt(args[0]);
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : concurrency * 4;
        new MemoryCycles().run(cycles, concurrency, warmup);
    }

    private void run(int cycles, int concurrency, int warmup) throws Exception {
        long start = System.nanoTime();
        TlsCertificate cert = TlsCertificate.fromFiles(pki("server.pem"), pki("server-key.pem"));
        TlsDatabase trust = TlsDatabase.fromFile(pki("ca.pem"));
        long certAddress = cert.handle.address();
        long trustAddress = trust.handle.address();
        GObjectOracle.ref(certAddress);
        GObjectOracle.ref(trustAddress);
        MainContextPump pump = MainContextPump.start("memory-cycles");

        cycles(warmup, concurrency, pump, cert, trust);
        long rssBefore = settledRssKb();
        long mallocBefore = mallocInUseBytes();
        boolean nmt = nativeMemory("baseline") != null;
        StringBuilder trace = new StringBuilder();
        for (int done = 0; done < cycles; done += TRACE_EVERY) { // RSS every 1024 cycles: a leak grows steadily
            cycles(Math.min(TRACE_EVERY, cycles - done), concurrency, pump, cert, trust);
            trace.append(trace.length() == 0 ? "" : ",").append(rssKb());
        }
        long rssAfter = settledRssKb();
        long mallocAfter = mallocInUseBytes();
        // Diagnostic only, after the measurement: how much of the RSS is free memory glibc kept.
        long rssTrimmed = trimmedRssKb();
        String jvmGrowthKb = nmt ? committedGrowthKb(nativeMemory("summary.diff")) : "unavailable";

        pump.close();
        cert.close();
        trust.close();
        liveObjects.checkLastReference(certAddress);
        liveObjects.checkLastReference(trustAddress);

        System.out.println("scenario=connect/handshake/close cycles, async handshakes on one pump");
        System.out.println("cycles=" + cycles);
        System.out.println("concurrency=" + concurrency);
        System.out.println("warmup_cycles=" + warmup);
        System.out.println("rss_before_kb=" + rssBefore);
        System.out.println("rss_after_kb=" + rssAfter);
        System.out.println("rss_growth_kb=" + (rssAfter - rssBefore));
        System.out.println("jvm_committed_growth_kb=" + jvmGrowthKb);
        System.out.println("malloc_in_use_growth_kb=" + (mallocBefore < 0 || mallocAfter < 0 ? "unavailable"
                : String.valueOf((mallocAfter - mallocBefore) / 1024)));
        System.out.println("rss_every_1024_cycles_kb=" + trace);
        System.out.println("rss_after_malloc_trim_kb=" + (rssTrimmed < 0 ? "unavailable" : String.valueOf(rssTrimmed)));
        System.out.println("live_gobjects=" + liveObjects.count());
        System.out.println("live_gobjects_how=jnr-ffi oracle: ref count left on every connection, socket,"
                + " certificate and database the binding created");
        System.out.println("seconds=" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
    }

    private void cycles(int count, int concurrency, MainContextPump pump, TlsCertificate cert, TlsDatabase trust)
            throws Exception {
        for (int done = 0; done < count; ) {
            int n = Math.min(concurrency, count - done);
            List<OraclePair> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(new OraclePair(cert, trust));
            }
            OraclePair.handshakeAll(batch, pump);
            for (OraclePair pair : batch) {
                pair.close();
            }
            for (OraclePair pair : batch) {
                pair.checkReleased(liveObjects);
            }
            done += n;
        }
    }

    private static long settledRssKb() throws Exception {
        ProcessProbe.settle(200);
        return rssKb();
    }

    /** RSS after glibc's malloc_trim(0) returned the free memory of every arena to the system; -1 if unavailable. */
    private static long trimmedRssKb() {
        try {
            return ProcessProbe.rssAfterMallocTrimKb();
        } catch (Exception | LinkageError e) {
            return -1;
        }
    }

    /** jcmd VM.native_memory through the DiagnosticCommand MBean; null without -XX:NativeMemoryTracking. */
    private static String nativeMemory(String command) {
        try {
            String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {command}}, new String[] {String[].class.getName()});
            return out.contains("not enabled") ? null : out;
        } catch (Exception e) {
            return null;
        }
    }

    /** The "Total: ... committed=NKB +DKB" line of a summary.diff: D (0 when unchanged). */
    private static String committedGrowthKb(String diff) {
        if (diff == null) {
            return "unavailable";
        }
        Matcher m = Pattern.compile("Total: reserved=\\S+(?: [+-]\\d+KB)?, committed=\\d+KB(?: ([+-]\\d+)KB)?")
                .matcher(diff);
        return m.find() ? (m.group(1) == null ? "0" : m.group(1).replace("+", "")) : "unparsed";
    }

    private static Path pki(String name) throws URISyntaxException {
        return Path.of(MemoryCycles.class.getResource("/org/gdtls/pki/" + name).toURI());
    }
}
