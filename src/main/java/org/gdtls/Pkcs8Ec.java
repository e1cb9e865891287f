package org.gdtls;

import java.math.BigInteger;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An EC PKCS#8 key completed with its public key, for GnuTLS. RFC 5915's {@code ECPrivateKey} is
 * {@code SEQUENCE { INTEGER 1, OCTET STRING privateKey, [0] parameters OPTIONAL, [1] BIT STRING publicKey OPTIONAL }};
 * the JDK's SunEC writes neither optional field (the curve is in PKCS#8's AlgorithmIdentifier), and GnuTLS 3.7.9
 * refuses a key without {@code publicKey} ("ASN1 parser: Error in TAG"). Package-private, used by
 * {@link TlsCertificate#of}. Every intermediate array holding the secret is wiped.
 */
final class Pkcs8Ec {
    private Pkcs8Ec() {}

    /**
     * {@code pkcs8} with {@code [1] publicKey} (the uncompressed point of {@code publicKey}) added to its inner
     * ECPrivateKey; {@code pkcs8} itself (the same array) if it already has one or is not the DER this expects.
     */
    static byte[] withPublicKey(byte[] pkcs8, ECPublicKey publicKey) {
        List<byte[]> outer = elements(pkcs8, 0x30);
        // PrivateKeyInfo: version, AlgorithmIdentifier, OCTET STRING privateKey, [0] attributes OPTIONAL, ...
        if (outer == null || outer.size() < 3 || outer.get(2)[0] != 0x04) {
            return pkcs8;
        }
        byte[] innerDer = content(outer.get(2));
        List<byte[]> inner = innerDer == null ? null : elements(innerDer, 0x30);
        try {
            if (inner == null || inner.size() < 2 || inner.stream().anyMatch(e -> (e[0] & 0xff) == 0xa1)) {
                return pkcs8;
            }
            int size = (publicKey.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            byte[] point = new byte[2 + 2 * size]; // BIT STRING content: 0 unused bits, then 04 || X || Y
            point[1] = 0x04;
            if (!unsigned(publicKey.getW().getAffineX(), point, 2, size)
                    || !unsigned(publicKey.getW().getAffineY(), point, 2 + size, size)) {
                return pkcs8;
            }
            inner.add(tlv(0xa1, tlv(0x03, point)));
            byte[] innerContent = concat(inner);
            byte[] newInner = tlv(0x30, innerContent);
            Arrays.fill(outer.get(2), (byte) 0);
            outer.set(2, tlv(0x04, newInner));
            byte[] outerContent = concat(outer);
            try {
                return tlv(0x30, outerContent);
            } finally {
                Arrays.fill(innerContent, (byte) 0);
                Arrays.fill(newInner, (byte) 0);
                Arrays.fill(outerContent, (byte) 0);
            }
        } finally {
            wipe(outer);
            if (inner != null) {
                wipe(inner);
            }
            if (innerDer != null) {
                Arrays.fill(innerDer, (byte) 0);
            }
        }
    }

    private static boolean unsigned(BigInteger value, byte[] out, int offset, int size) {
        byte[] bytes = value.toByteArray();
        int skip = bytes.length > size && bytes[0] == 0 ? 1 : 0;
        int length = bytes.length - skip;
        if (length > size) {
            return false;
        }
        System.arraycopy(bytes, skip, out, offset + size - length, length);
        return true;
    }

    /** The whole TLVs inside a constructed {@code der} with the given tag, or null if it is not exactly that. */
    private static List<byte[]> elements(byte[] der, int tag) {
        byte[] content = der.length > 0 && (der[0] & 0xff) == tag ? content(der) : null;
        if (content == null) {
            return null;
        }
        List<byte[]> result = new ArrayList<>();
        int at = 0;
        while (at < content.length) {
            int end = end(content, at);
            if (end < 0) {
                Arrays.fill(content, (byte) 0);
                wipe(result);
                return null;
            }
            result.add(Arrays.copyOfRange(content, at, end));
            at = end;
        }
        Arrays.fill(content, (byte) 0);
        return result;
    }

    /** The content of the single TLV {@code der}, or null if {@code der} is not exactly one. */
    private static byte[] content(byte[] der) {
        if (end(der, 0) != der.length) {
            return null;
        }
        int header = headerLength(der, 0);
        return Arrays.copyOfRange(der, header, der.length);
    }

    /** Where the TLV starting at {@code at} ends, or -1 if it is malformed or runs past the array. */
    private static int end(byte[] der, int at) {
        int header = headerLength(der, at);
        if (header < 0) {
            return -1;
        }
        long length = contentLength(der, at);
        long end = at + header + length;
        return end > der.length ? -1 : (int) end;
    }

    private static int headerLength(byte[] der, int at) {
        if (at + 2 > der.length || (der[at] & 0x1f) == 0x1f) { // multi-byte tags never occur here
            return -1;
        }
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return 2;
        }
        int n = first & 0x7f;
        return n == 0 || n > 3 || at + 2 + n > der.length ? -1 : 2 + n;
    }

    private static long contentLength(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return first;
        }
        long length = 0;
        for (int i = 0; i < (first & 0x7f); i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xff);
        }
        return length;
    }

    private static byte[] tlv(int tag, byte[] content) {
        int n = content.length;
        int lengthBytes = n < 0x80 ? 0 : n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
        byte[] out = new byte[2 + lengthBytes + n];
        out[0] = (byte) tag;
        out[1] = (byte) (lengthBytes == 0 ? n : 0x80 | lengthBytes);
        for (int i = 0; i < lengthBytes; i++) {
            out[2 + i] = (byte) (n >> (8 * (lengthBytes - 1 - i)));
        }
        System.arraycopy(content, 0, out, 2 + lengthBytes, n);
        return out;
    }

    private static byte[] concat(List<byte[]> parts) {
        byte[] out = new byte[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static void wipe(List<byte[]> parts) {
        parts.forEach(p -> Arrays.fill(p, (byte) 0));
    }
}
