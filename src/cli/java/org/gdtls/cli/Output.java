package org.gdtls.cli;

import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Set;

import org.gdtls.GioException;
import org.gdtls.GioUnavailableException;
import org.gdtls.TlsCertificateFlags;

/**
 * Where a command's reports go, one whole line (or block) at a time from any thread: with {@code --json} one JSON
 * object per line on stdout, otherwise text on the stream the command chose (stderr for the client, whose stdout
 * carries the data; stdout for the server). Errors always read {@code domain:code message}.
 */
final class Output {
    private final boolean json;
    private final PrintStream text;

    Output(boolean json, PrintStream text) {
        this.json = json;
        this.text = text;
    }

    boolean json() {
        return json;
    }

    /** {@code event} as a JSON line, or {@code line} as text. */
    synchronized void report(Json event, String line) {
        if (json) {
            System.out.println(event);
            System.out.flush();
        } else {
            text.println(line);
            text.flush();
        }
    }

    /** A datagram's bytes on stdout, then a newline (the client's text mode: stdout is the data). */
    synchronized void raw(ByteBuffer datagram) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.get(bytes);
        System.out.write(bytes, 0, bytes.length);
        System.out.write('\n');
        System.out.flush();
    }

    /** A note that is no error: a JSON {@code warning} event, or {@code gdtls: warning: ...} on stderr. */
    synchronized void warn(String message) {
        if (json) {
            System.out.println(Json.event("warning").put("message", message));
            System.out.flush();
        } else {
            System.err.println("gdtls: warning: " + message);
        }
    }

    /**
     * Reports a failure (a JSON {@code error} event, or {@code gdtls: domain:code message} on stderr) and returns
     * the exit code that goes with it.
     */
    int fail(Throwable failure, Json extra) {
        Json event = extra == null ? Json.event("error") : extra;
        String line;
        if (failure instanceof GioException e) {
            event.put("domain", e.domain()).put("code", e.rawCode()).put("message", e.getMessage());
            line = e.domain() + ":" + e.rawCode() + " " + e.getMessage();
        } else {
            event.put("domain", null).put("code", null).put("message", describe(failure));
            line = describe(failure);
        }
        synchronized (this) {
            if (json) {
                System.out.println(event);
                System.out.flush();
            } else {
                System.err.println("gdtls: " + line);
            }
        }
        return GdtlsCommand.exitCode(failure);
    }

    static String describe(Throwable failure) {
        if (failure instanceof GioUnavailableException) {
            return "cannot use GIO: " + failure.getMessage();
        }
        return failure.getMessage() == null ? failure.toString() : failure.getMessage();
    }

    /** 127.0.0.1:4433, [::1]:4433 */
    static String address(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString()
                : ip instanceof Inet6Address v6 ? compress(v6) : ip.getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** An IPv6 address as RFC 5952 writes it: the longest run of two or more zero groups as {@code ::}. */
    private static String compress(Inet6Address ip) {
        byte[] b = ip.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        String scope = ip.getScopeId() != 0 ? "%" + ip.getScopeId() : "";
        return out + scope;
    }

    /** The datagram as text if it is UTF-8 without control characters (tab aside), else null. */
    static String text(ByteBuffer datagram) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(datagram.duplicate()).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return s.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t') ? null : s;
    }

    static String hex(ByteBuffer datagram) {
        byte[] bytes = new byte[datagram.remaining()];
        datagram.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The datagram's fields of a JSON event: its length, and its text or (for binary data) its hex. */
    static Json datagram(Json event, ByteBuffer datagram) {
        event.put("length", datagram.remaining());
        String text = text(datagram);
        return text != null ? event.put("text", text) : event.put("hex", hex(datagram));
    }

    /** How a text line shows a datagram: {@code 5 bytes: hello}, or its hex for binary data. */
    static String datagramText(ByteBuffer datagram) {
        String text = text(datagram);
        return datagram.remaining() + " bytes" + (datagram.remaining() == 0 ? ""
                : text != null ? ": " + text : " (hex): " + hex(datagram));
    }

    static String flags(Set<TlsCertificateFlags> flags) {
        return flags.isEmpty() ? "none" : String.join(",", flags.stream().map(Enum::name).toList());
    }

    /** One JSON object, written as it is built: strings, numbers, booleans, null and collections of them. */
    static final class Json {
        private final StringBuilder b = new StringBuilder("{");

        static Json event(String name) {
            return new Json().put("event", name);
        }

        Json put(String key, Object value) {
            if (b.length() > 1) {
                b.append(',');
            }
            quote(key).append(':');
            value(value);
            return this;
        }

        private void value(Object value) {
            if (value == null) {
                b.append("null");
            } else if (value instanceof Number || value instanceof Boolean) {
                b.append(value);
            } else if (value instanceof Collection<?> values) {
                b.append('[');
                for (Iterator<?> it = values.iterator(); it.hasNext(); ) {
                    value(it.next());
                    if (it.hasNext()) {
                        b.append(',');
                    }
                }
                b.append(']');
            } else {
                quote(value.toString());
            }
        }

        private StringBuilder quote(String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"');
        }

        @Override
        public String toString() {
            return b + "}";
        }
    }
}
