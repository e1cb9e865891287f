package org.gdtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HostileTraffic does what it says: a plain JDK receiver in place of a server sees each kind's datagrams, from
 * the sources and with the shapes promised, and what it sends back is counted per source.
 */
@Timeout(60)
class HostileTrafficTest {
    private static final long SEED = 0x5eed_1505L;
    private static final Duration BOUND = Duration.ofSeconds(10);

    /** One datagram as the receiver got it. */
    private record Received(InetSocketAddress from, byte[] bytes) {}

    /** A plain DatagramChannel on 127.0.0.1 standing in for the server. */
    private static final class Receiver implements AutoCloseable {
        final DatagramChannel channel;
        final Selector selector;

        Receiver() throws IOException {
            channel = DatagramChannel.open(StandardProtocolFamily.INET)
                    .setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
        }

        InetSocketAddress address() throws IOException {
            return (InetSocketAddress) channel.getLocalAddress();
        }

        /** Exactly {@code n} datagrams, waiting at most BOUND for them. */
        List<Received> receive(int n) throws IOException {
            List<Received> got = new ArrayList<>();
            ByteBuffer buf = ByteBuffer.allocate(65536);
            long end = System.nanoTime() + BOUND.toNanos();
            while (got.size() < n && System.nanoTime() - end < 0) {
                selector.select(100);
                selector.selectedKeys().clear();
                InetSocketAddress from;
                while ((from = (InetSocketAddress) channel.receive(buf.clear())) != null) {
                    got.add(new Received(from, Arrays.copyOf(buf.array(), buf.position())));
                }
            }
            assertEquals(n, got.size(), "datagrams received");
            return got;
        }

        /** Nothing more arrives within a short look (what was sent before it is already queued on loopback). */
        void assertNothingMore() throws IOException {
            selector.selectNow();
            selector.selectedKeys().clear();
            assertEquals(null, channel.receive(ByteBuffer.allocate(65536)), "an extra datagram");
        }

        @Override
        public void close() throws IOException {
            selector.close();
            channel.close();
        }
    }

    private static boolean isAttackerSource(InetSocketAddress a) {
        byte[] b = a.getAddress().getAddress();
        return b[0] == 127 && (b[1] & 0xff) >= 100;
    }

    @Test
    void randomDatagramsStartEmptyStayWithin1500AndRepeatWithTheSeed() throws Exception {
        List<byte[]> first;
        try (Receiver receiver = new Receiver();
             HostileTraffic attacker = HostileTraffic.at(receiver.address(), SEED)) {
            HostileTraffic.Counts counts = attacker.randomDatagrams(60, 3);
            assertEquals(60, counts.datagramsSent(), counts.toString());
            assertEquals(3, counts.sources().size());
            List<Received> got = receiver.receive(60);
            first = got.stream().map(Received::bytes).toList();
            assertEquals(0, first.get(0).length, "the first datagram is empty");
            assertTrue(first.stream().allMatch(d -> d.length <= 1500));
            assertTrue(first.stream().mapToInt(d -> d.length).distinct().count() > 30, "lengths vary");
            assertEquals(counts.bytesSent(), first.stream().mapToLong(d -> d.length).sum());
            assertEquals(Set.copyOf(counts.sources()), sourcesOf(got));
            receiver.assertNothingMore();
        }
        try (Receiver receiver = new Receiver();
             HostileTraffic again = HostileTraffic.at(receiver.address(), SEED)) {
            again.randomDatagrams(60, 1);
            List<Received> got = receiver.receive(60);
            for (int i = 0; i < 60; i++) {
                assertArrayEquals(first.get(i), got.get(i).bytes(), "datagram " + i + " with the same seed " + SEED);
            }
        }
    }

    @Test
    void dtlsShapedGarbageParsesAsRecordsWithTheDeclaredHeaderFields() throws Exception {
        try (Receiver receiver = new Receiver();
             HostileTraffic attacker = HostileTraffic.at(receiver.address(), SEED)) {
            HostileTraffic.Counts counts = attacker.dtlsShapedGarbage(300, 5);
            Set<HostileTraffic.LengthMode> modes = EnumSet.noneOf(HostileTraffic.LengthMode.class);
            Set<Integer> types = new HashSet<>();
            Set<Integer> versions = new HashSet<>();
            Set<Integer> epochs = new HashSet<>();
            int trains = 0;
            for (Received r : receiver.receive(300)) {
                byte[] d = r.bytes();
                assertTrue(d.length >= 13 && d.length <= 1500, "length " + d.length + " (" + counts + ")");
                int first = (d[11] & 0xff) << 8 | d[12] & 0xff;
                List<Integer> starts = recordStarts(d);
                HostileTraffic.LengthMode mode = first == d.length - 13 ? HostileTraffic.LengthMode.MATCH
                        : first > d.length - 13 ? HostileTraffic.LengthMode.EXCEED
                        : starts.size() > 1 ? null : HostileTraffic.LengthMode.UNDERCUT;
                if (mode == null) {
                    trains++; // several records, each length matching, the last one ending the datagram
                } else {
                    modes.add(mode);
                    starts = List.of(0); // after an undercut length: garbage, not a record
                }
                for (int at : starts) {
                    types.add(d[at] & 0xff);
                    versions.add((d[at + 1] & 0xff) << 8 | d[at + 2] & 0xff);
                    epochs.add((d[at + 3] & 0xff) << 8 | d[at + 4] & 0xff);
                }
            }
            assertEquals(EnumSet.allOf(HostileTraffic.LengthMode.class), modes, counts.toString());
            assertTrue(trains > 0, "some datagrams carry several records");
            assertTrue(types.containsAll(Set.of(20, 21, 22, 23)), "types " + types);
            assertTrue(types.size() > 4, "invalid content types too: " + types);
            assertEquals(Set.of(HostileTraffic.DTLS_1_0, HostileTraffic.DTLS_1_2), versions);
            assertEquals(Set.of(0, 1), epochs);
        }
    }

    @Test
    void clientHelloShapedGarbageIsAHandshakeRecordClaimingAClientHello() throws Exception {
        try (Receiver receiver = new Receiver();
             HostileTraffic attacker = HostileTraffic.at(receiver.address(), SEED)) {
            HostileTraffic.Counts counts = attacker.clientHelloShapedGarbage(100, 2);
            int whole = 0;
            int fragments = 0;
            for (Received r : receiver.receive(100)) {
                byte[] d = r.bytes();
                assertEquals(22, d[0], counts.toString());
                assertEquals(0, d[3] | d[4], "epoch 0");
                assertEquals(d.length - 13, (d[11] & 0xff) << 8 | d[12] & 0xff, "the record length matches");
                assertEquals(1, d[13], "handshake type ClientHello");
                int length = HostileTraffic.get24(d, 14);
                int offset = HostileTraffic.get24(d, 19);
                int fragment = HostileTraffic.get24(d, 22);
                if (offset == 0 && fragment == length && fragment == d.length - 25) {
                    whole++;
                } else {
                    fragments++;
                }
            }
            assertTrue(whole > 0 && fragments > 0, whole + " whole, " + fragments + " fragments or lies");
        }
    }

    @Test
    void capturedClientHellosAreRealClientHellos() throws Exception {
        byte[] gio = HostileTraffic.gioClientHello();
        byte[] jdk = HostileTraffic.jdkClientHello();
        for (byte[] hello : List.of(gio, jdk)) {
            assertEquals(22, hello[0], "handshake record");
            assertEquals(1, hello[13], "ClientHello");
            assertEquals(hello.length - 13, (hello[11] & 0xff) << 8 | hello[12] & 0xff, "one record, whole");
            assertEquals("server.example.com", ClientHello.serverName(ByteBuffer.wrap(hello)));
        }
        byte[] fresh = HostileTraffic.withFreshRandom(gio, new java.util.Random(SEED));
        assertEquals(gio.length, fresh.length);
        assertFalse(Arrays.equals(gio, fresh), "a fresh random");
        assertArrayEquals(Arrays.copyOf(gio, 27), Arrays.copyOf(fresh, 27), "headers kept");
        assertArrayEquals(Arrays.copyOfRange(gio, 59, gio.length), Arrays.copyOfRange(fresh, 59, fresh.length),
                "the rest kept");
    }

    /** The flood's sources are many loopback addresses, each seen by the receiver, and replies count per source. */
    @Test
    void aFloodComesFromManySourcesAndRepliesAreCountedPerSource() throws Exception {
        byte[] hello = HostileTraffic.jdkClientHello();
        try (Receiver receiver = new Receiver();
             HostileTraffic attacker = HostileTraffic.at(receiver.address(), SEED)) {
            HostileTraffic.Counts counts = attacker.clientHelloFlood(List.of(hello), 200, 2);
            assertEquals(400, counts.datagramsSent());
            List<Received> got = receiver.receive(400);
            Set<InetSocketAddress> from = sourcesOf(got);
            assertEquals(200, from.size(), "distinct sources");
            assertEquals(Set.copyOf(counts.sources()), from);
            assertEquals(200, from.stream().map(InetSocketAddress::getAddress).distinct().count(),
                    "distinct addresses, not just ports");
            assertTrue(from.stream().allMatch(HostileTrafficTest::isAttackerSource), from.toString());
            assertEquals(400, got.stream().map(r -> ByteBuffer.wrap(r.bytes())).distinct().count(),
                    "every hello has its own random");
            // the receiver answers each datagram with twice its size: the counts see amplification 2
            for (Received r : got) {
                receiver.channel.send(ByteBuffer.allocate(2 * r.bytes().length), r.from());
            }
            assertTrue(counts.await(c -> c.bytesBack() == 2 * c.bytesSent(), BOUND), counts.toString());
            assertEquals(200, counts.sourcesAnswered());
            assertEquals(2.0, counts.amplification(), 1e-9);
            assertEquals(4L * hello.length, counts.bytesBackBySource().get(got.get(0).from()));
        }
    }

    @Test
    void closedSourcesCountNothingBack() throws Exception {
        try (Receiver receiver = new Receiver();
             HostileTraffic attacker = HostileTraffic.at(receiver.address(), SEED).closedSources(true)) {
            HostileTraffic.Counts counts = attacker.randomDatagrams(10, 10);
            List<Received> got = receiver.receive(10);
            for (Received r : got) {
                receiver.channel.send(ByteBuffer.allocate(100), r.from());
            }
            // the same replies to open sources are counted: then the closed ones' would have been by now
            HostileTraffic.Counts open = attacker.closedSources(false).randomDatagrams(1, 1);
            receiver.channel.send(ByteBuffer.allocate(100), receiver.receive(1).get(0).from());
            assertTrue(open.await(c -> c.bytesBack() == 100, BOUND), open.toString());
            assertEquals(0, counts.bytesBack(), counts.toString());
        }
    }

    @Test
    void aRecordedSessionHasBothDirectionsAndItsReplaysAreByteIdentical() throws Exception {
        try (Recording recording = Recording.loopbackSession(3);
             Receiver receiver = new Receiver();
             HostileTraffic attacker = HostileTraffic.at(receiver.address(), SEED)) {
            List<byte[]> client = recording.datagrams(Recording.Direction.CLIENT_TO_SERVER);
            List<byte[]> server = recording.datagrams(Recording.Direction.SERVER_TO_CLIENT);
            assertEquals(22, client.get(0)[0], recording.datagrams().toString());
            assertEquals(1, client.get(0)[13], "the client's first datagram is its ClientHello");
            assertArrayEquals(client.get(0), recording.clientHello());
            assertEquals(3, client.stream().filter(d -> d[0] == 23).count(), "three application records");
            assertEquals(3, server.stream().filter(d -> d[0] == 23).count(), "three echoes");
            assertTrue(server.size() >= 2 && server.get(0)[0] == 22, "the server's flight");

            HostileTraffic.Counts original = attacker.replayed(recording, 2, 0);
            List<Received> got = receiver.receive(2 * client.size());
            for (int i = 0; i < got.size(); i++) {
                assertEquals(recording.clientAddress(), got.get(i).from(), "from the original source");
                assertArrayEquals(client.get(i % client.size()), got.get(i).bytes(), "replayed datagram " + i);
            }
            assertEquals(List.of(recording.clientAddress()), original.sources());
            receiver.channel.send(ByteBuffer.allocate(77), recording.clientAddress());
            assertTrue(original.await(c -> c.bytesBack() == 77, BOUND), original.toString());

            HostileTraffic.Counts elsewhere = attacker.replayed(recording, 1, 4);
            got = receiver.receive(client.size());
            for (int i = 0; i < got.size(); i++) {
                assertTrue(isAttackerSource(got.get(i).from()), got.get(i).from().toString());
                assertArrayEquals(client.get(i), got.get(i).bytes(), "replayed datagram " + i);
            }
            assertEquals(Set.copyOf(elsewhere.sources()), sourcesOf(got));
        }
    }

    @Test
    void truncatedRecordsArePrefixesOfTheSessionsDatagrams() throws Exception {
        try (Recording recording = Recording.loopbackSession(1);
             Receiver receiver = new Receiver();
             HostileTraffic attacker = HostileTraffic.at(receiver.address(), SEED)) {
            List<byte[]> client = recording.datagrams(Recording.Direction.CLIENT_TO_SERVER);
            HostileTraffic.Counts counts = attacker.truncated(recording, 40, 0);
            attacker.truncated(recording, 40, 8);
            List<Received> got = receiver.receive(80);
            for (int i = 0; i < got.size(); i++) {
                byte[] d = got.get(i).bytes();
                assertEquals(i < 40, got.get(i).from().equals(recording.clientAddress()), "source of " + i);
                assertTrue(client.stream().anyMatch(c -> d.length < c.length
                        && Arrays.equals(d, Arrays.copyOf(c, d.length))), "datagram " + i + " (" + counts + ")");
            }
            assertNotEquals(1, got.stream().mapToInt(r -> r.bytes().length).distinct().count());
        }
    }

    /** A lower bound only: 20 datagrams at 100/s cannot go out in less than 19 intervals. */
    @Test
    void theRateSpacesDatagrams() throws Exception {
        try (Receiver receiver = new Receiver();
             HostileTraffic attacker = HostileTraffic.at(receiver.address(), SEED).rate(100)) {
            long start = System.nanoTime();
            attacker.randomDatagrams(20, 1);
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(190));
            receiver.receive(20);
        }
    }

    /** Where each record of a train starts, if its lengths chain to the datagram's end exactly; else just 0. */
    private static List<Integer> recordStarts(byte[] d) {
        List<Integer> starts = new ArrayList<>();
        int at = 0;
        while (at + 13 <= d.length) {
            starts.add(at);
            at += 13 + ((d[at + 11] & 0xff) << 8 | d[at + 12] & 0xff);
        }
        return at == d.length ? starts : List.of(0);
    }

    private static Set<InetSocketAddress> sourcesOf(List<Received> got) {
        Set<InetSocketAddress> s = new HashSet<>();
        for (Received r : got) {
            s.add(r.from());
        }
        return s;
    }
}
