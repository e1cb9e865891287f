package org.gdtls;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.ObjectName;

import jnr.ffi.LibraryLoader;

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
    private static final String SERVER_IDENTITY = "server.example.com";
    private static final int TRACE_EVERY = 1024;

    private long liveObjects;

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
        checkLastReference(certAddress);
        checkLastReference(trustAddress);

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
        System.out.println("live_gobjects=" + liveObjects);
        System.out.println("live_gobjects_how=jnr-ffi oracle: ref count left on every connection, socket,"
                + " certificate and database the binding created");
        System.out.println("seconds=" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
    }

    private void cycles(int count, int concurrency, MainContextPump pump, TlsCertificate cert, TlsDatabase trust)
            throws Exception {
        for (int done = 0; done < count; ) {
            int n = Math.min(concurrency, count - done);
            List<Cycle> batch = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                batch.add(new Cycle(cert, trust));
            }
            CompletableFuture<?>[] handshakes = new CompletableFuture<?>[2 * n];
            for (int i = 0; i < n; i++) {
                handshakes[2 * i] = batch.get(i).server.handshakeAsync(pump, 0, null);
                handshakes[2 * i + 1] = batch.get(i).client.handshakeAsync(pump, 0, null);
            }
            CompletableFuture.allOf(handshakes).get(5, TimeUnit.MINUTES);
            for (Cycle cycle : batch) {
                cycle.close();
            }
            for (Cycle cycle : batch) {
                for (long address : cycle.addresses) {
                    checkLastReference(address);
                }
            }
            done += n;
        }
    }

    /**
     * After the binding closed the object: the oracle's reference must be the last; dropping it finalizes. GIO
     * may still hold one for a moment (a finished GTask is unreferenced after its callback returned on the
     * pump thread), so only a reference still there after a second counts as live.
     */
    private void checkLastReference(long address) throws InterruptedException {
        for (int i = 0; i < 100 && GObjectOracle.refCount(address) != 1; i++) {
            Thread.sleep(10);
        }
        if (GObjectOracle.refCount(address) != 1) {
            liveObjects++;
        }
        GObjectOracle.unref(address);
    }

    private static long settledRssKb() throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc(); // lets a Cleaner drop anything left unclosed, so it is not mistaken for growth
            Thread.sleep(200);
        }
        return rssKb();
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** The libc functions malloc_info needs, bound by jnr-ffi (shares no code with the binding). */
    public interface LibC {
        jnr.ffi.Pointer fopen(String path, String mode);

        int malloc_info(int options, jnr.ffi.Pointer stream);

        int fclose(jnr.ffi.Pointer stream);

        int malloc_trim(long pad);
    }

    /**
     * Bytes malloc has handed out and not got back, over all arenas: glibc's malloc_info reports, per arena and
     * in total, the memory it got from the system ({@code <system type="current">}) and the free chunks it
     * keeps ({@code <total type="fast|rest" size=..>}); in use is the difference, plus the blocks it mapped on
     * their own ({@code <total type="mmap">}). -1 if unavailable.
     */
    static long mallocInUseBytes() {
        try {
            LibC libc = LibraryLoader.create(LibC.class).load("c");
            Path xml = Files.createTempFile("malloc-info", ".xml");
            try {
                jnr.ffi.Pointer stream = libc.fopen(xml.toString(), "w");
                libc.malloc_info(0, stream);
                libc.fclose(stream);
                String info = Files.readString(xml);
                String totals = info.substring(info.lastIndexOf("</heap>")); // the summary after the last arena
                long system = firstLong(totals, "<system type=\"current\" size=\"(\\d+)\"");
                long free = firstLong(totals, "<total type=\"fast\" count=\"\\d+\" size=\"(\\d+)\"")
                        + firstLong(totals, "<total type=\"rest\" count=\"\\d+\" size=\"(\\d+)\"");
                // Large blocks are mapped one by one and counted apart from the arenas.
                long mmapped = firstLong(totals, "<total type=\"mmap\" count=\"\\d+\" size=\"(\\d+)\"");
                return system - free + mmapped;
            } finally {
                Files.deleteIfExists(xml);
            }
        } catch (Exception | LinkageError e) {
            return -1;
        }
    }

    /** RSS after glibc's malloc_trim(0) returned the free memory of every arena to the system; -1 if unavailable. */
    private static long trimmedRssKb() {
        try {
            LibraryLoader.create(LibC.class).load("c").malloc_trim(0);
            return rssKb();
        } catch (Exception | LinkageError e) {
            return -1;
        }
    }

    private static long firstLong(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("malloc_info: no match for " + regex);
        }
        return Long.parseLong(m.group(1));
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

    /** One client+server pair over connected loopback sockets, each GObject also referenced by the oracle. */
    private static final class Cycle {
        final UdpSocket clientSocket;
        final UdpSocket serverSocket;
        final DtlsServerConnection server;
        final DtlsClientConnection client;
        final long[] addresses;

        Cycle(TlsCertificate cert, TlsDatabase trust) throws GioException {
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            serverSocket = UdpSocket.bind(loopback);
            clientSocket = UdpSocket.bind(loopback);
            serverSocket.connect(clientSocket.localAddress());
            clientSocket.connect(serverSocket.localAddress());
            server = DtlsServerConnection.create(serverSocket, cert);
            client = DtlsClientConnection.create(clientSocket, SERVER_IDENTITY);
            client.setDatabase(trust);
            // Connections first: each holds a reference on its base socket until it is finalized.
            addresses = new long[] {client.handle.address(), server.handle.address(), clientSocket.handle.address(),
                    serverSocket.handle.address()};
            for (long address : addresses) {
                GObjectOracle.ref(address);
            }
        }

        void close() throws Exception {
            client.close();
            server.close();
            clientSocket.close();
            serverSocket.close();
        }
    }
}
