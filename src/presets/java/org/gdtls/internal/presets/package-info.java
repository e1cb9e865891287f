/**
 * The JavaCPP preset: which C headers become the generated layer ({@code internal.gen}) and how their macros and
 * typedefs read to JavaCPP's Parser. Compiled first, on its own, in the build's generate-sources phase; not
 * part of the runtime.
 */
package org.gdtls.internal.presets;
