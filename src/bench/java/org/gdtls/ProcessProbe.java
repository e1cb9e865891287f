package org.gdtls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jnr.ffi.LibraryLoader;

/**
 * What the soak and the S7 memory check read of this process: descriptors, threads and RSS from /proc/self, and
 * glibc malloc's bytes in use through jnr-ffi (which shares no code with the binding).
 */
final class ProcessProbe {
    private ProcessProbe() {
    }

    static long fds() throws Exception {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.count() - 1; // less the descriptor of the listing itself
        }
    }

    /** Every thread of the process, the JVM's and GLib's alike. */
    static long threads() throws Exception {
        return status("Threads:");
    }

    static long rssKb() throws Exception {
        return status("VmRSS:");
    }

    private static long status(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no " + key + " in /proc/self/status");
    }

    /** Three collections with a pause after each: a Cleaner drops what was left unclosed, not to pass for a leak. */
    static void settle(long pauseMillis) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(pauseMillis);
        }
    }

    /** The libc functions malloc_info and malloc_trim need, bound by jnr-ffi. */
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

    /** RSS after glibc's malloc_trim(0) gave every arena's free memory back: the RSS less kept free memory. */
    static long rssAfterMallocTrimKb() throws Exception {
        LibraryLoader.create(LibC.class).load("c").malloc_trim(0);
        return rssKb();
    }

    private static long firstLong(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("malloc_info: no match for " + regex);
        }
        return Long.parseLong(m.group(1));
    }
}
