package org.gdtls;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.gdtls.internal.gen.GTlsPassword;
import org.gdtls.internal.gen.global.Gio;
import org.gdtls.internal.gen.global.Glue;
import org.gdtls.internal.glue.CStrings;
import org.gdtls.internal.glue.NativeLibrary;
import org.gdtls.internal.glue.ObjectHandle;

/** A {@code GTlsPassword}: a request for a password or PIN, and the answer a {@link TlsInteraction} gives. */
public final class TlsPassword implements AutoCloseable {
    final ObjectHandle<GTlsPassword> handle;

    private TlsPassword(GTlsPassword owned) {
        this.handle = new ObjectHandle<>(this, owned, "TlsPassword");
    }

    /** {@code g_tls_password_new}; {@code description} may be null (GIO then has none to show). */
    @Wraps("g_tls_password_new")
    public static TlsPassword create(Set<TlsPasswordFlags> flags, String description) {
        Objects.requireNonNull(flags, "flags");
        NativeLibrary.ensureLoaded();
        try (BytePointer d = CStrings.utf8(description)) {
            return new TlsPassword(Gio.g_tls_password_new(TlsPasswordFlags.toBits(flags), d));
        }
    }

    /** Wraps a borrowed object (transfer none) with a reference of its own. */
    static TlsPassword borrow(GTlsPassword borrowed) {
        Gio.g_object_ref(borrowed);
        return new TlsPassword(borrowed);
    }

    /** {@code g_tls_password_get_description}: e.g. the token's label. */
    @Wraps("g_tls_password_get_description")
    public String description() {
        GTlsPassword p = handle.acquire();
        try {
            return CStrings.borrowed(Gio.g_tls_password_get_description(p));
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_password_get_flags}. */
    @Wraps("g_tls_password_get_flags")
    public Set<TlsPasswordFlags> flags() {
        GTlsPassword p = handle.acquire();
        try {
            return TlsPasswordFlags.fromBits(Gio.g_tls_password_get_flags(p));
        } finally {
            handle.release();
        }
    }

    /** {@code g_tls_password_get_warning}: what to tell the user, e.g. after a wrong PIN. */
    @Wraps("g_tls_password_get_warning")
    public String warning() {
        GTlsPassword p = handle.acquire();
        try {
            return CStrings.borrowed(Gio.g_tls_password_get_warning(p));
        } finally {
            handle.release();
        }
    }

    /**
     * {@code g_tls_password_set_flags}: e.g. {@link TlsPasswordFlags#RETRY} when a request is asked again (what
     * an interaction reads through {@link #flags()}).
     */
    @Wraps("g_tls_password_set_flags")
    public void setFlags(Set<TlsPasswordFlags> flags) {
        Objects.requireNonNull(flags, "flags");
        handle.run(p -> Gio.g_tls_password_set_flags(p, TlsPasswordFlags.toBits(flags)));
    }

    /** {@code g_tls_password_set_description} (GIO copies it); null clears it. */
    @Wraps("g_tls_password_set_description")
    public void setDescription(String description) {
        try (BytePointer d = CStrings.utf8(description)) {
            handle.run(p -> Gio.g_tls_password_set_description(p, d));
        }
    }

    /**
     * {@code g_tls_password_set_warning} (GIO copies it), e.g. after a wrong password. Null goes back to GIO's
     * default warning, which {@link #warning()} derives from the flags (RETRY, MANY_TRIES, FINAL_TRY), or null.
     */
    @Wraps("g_tls_password_set_warning")
    public void setWarning(String warning) {
        try (BytePointer w = CStrings.utf8(warning)) {
            handle.run(p -> Gio.g_tls_password_set_warning(p, w));
        }
    }

    /**
     * Sets the value to the UTF-8 encoding of {@code password}, as {@link #setValue(byte[])} does; the Java
     * copies made for the encoding are wiped, {@code password} itself is left to the caller.
     */
    @Wraps("g_tls_password_set_value_full")
    public void setValue(char[] password) {
        Objects.requireNonNull(password, "password");
        ByteBuffer utf8 = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[utf8.remaining()];
        utf8.get(bytes);
        Arrays.fill(utf8.array(), (byte) 0);
        try {
            setValue(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /**
     * {@code g_tls_password_set_value_full}: GIO takes over a native copy of {@code value} (NUL-terminated as
     * well) together with a destroy function that wipes that copy before freeing it, when the value is replaced
     * or the password finalized. This is how every value is set: {@code g_tls_password_set_value} would free its
     * copy unwiped. {@code value} itself stays the caller's to wipe.
     */
    @Wraps("g_tls_password_set_value_full")
    public void setValue(byte[] value) {
        Objects.requireNonNull(value, "value");
        try (BytePointer copy = new BytePointer(Math.max(1, value.length))) {
            copy.put(value, 0, value.length);
            try {
                handle.run(p -> Glue.gdtls_password_set_value_wiped(p, copy, value.length));
            } finally {
                copy.fill(0); // JavaCPP's transient copy: wiped before it is freed
            }
        }
    }

    /** {@code g_tls_password_get_value}: a copy of the current value. */
    @Wraps("g_tls_password_get_value")
    public byte[] value() {
        GTlsPassword p = handle.acquire();
        try (SizeTPointer length = new SizeTPointer(1)) {
            BytePointer data = Gio.g_tls_password_get_value(p, length);
            byte[] bytes = new byte[(int) length.get()];
            if (data != null && !data.isNull()) {
                data.get(bytes);
            }
            return bytes;
        } finally {
            handle.release();
        }
    }

    @Override
    public void close() {
        handle.close();
    }
}
