package org.gdtls;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The C functions and GObject properties a public method binds, so users coming from the GIO reference manual
 * find their way, and {@code docs/api-coverage.md} can be generated (and checked) from the code.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface Wraps {
    /** C functions, e.g. {@code g_dtls_connection_handshake}. */
    String[] value() default {};

    /** GObject properties as {@code Type:name}, e.g. {@code GDtlsConnection:base-socket}. */
    String[] properties() default {};
}
