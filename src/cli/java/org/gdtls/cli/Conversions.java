package org.gdtls.cli;

import java.math.BigDecimal;
import java.time.Duration;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Argument types of the commands, converted by picocli (a bad value is a usage error, exit code 2). */
final class Conversions {
    private Conversions() {}

    /** {@code HOST:PORT}; an IPv6 address in brackets, {@code [::1]:4433}. */
    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new TypeConversionException("'" + value + "' is not HOST:PORT");
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                throw new TypeConversionException("'" + value + "': write an IPv6 address in brackets, [::1]:4433");
            }
            return new HostPort(host, port(value.substring(colon + 1), 1));
        }
    }

    /** A UDP port, 0 (any free port, for the server) to 65535. */
    static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return port(value, 0);
        }
    }

    private static int port(String value, int min) {
        try {
            int port = Integer.parseInt(value);
            if (port >= min && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TypeConversionException("'" + value + "' is not a port (" + min + "-65535)");
    }

    /** Seconds, with a fraction if wanted ({@code 0.5}); not negative. */
    static final class SecondsConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            BigDecimal seconds;
            try {
                seconds = new BigDecimal(value);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a number of seconds");
            }
            if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(86_400 * 365)) > 0) {
                throw new TypeConversionException("'" + value + "' seconds is out of range");
            }
            return Duration.ofNanos(seconds.movePointRight(9).longValue());
        }
    }
}
