package org.gdtls;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The C functions and properties (as in {@link Wraps}) a test exercises against the real backend; read by
 * {@link ApiCoverageTest} to build docs/api-coverage.md.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Covers {
    String[] value();
}
