/**
 * The generated layer: Java and JNI that JavaCPP generates from the GIO headers at build time (the sources are in
 * {@code target/generated-sources/javacpp}; only this file is written by hand). One class per C struct or
 * GObject type; the functions are static methods of {@code global.Gio}. Never edited by hand: change the preset
 * ({@code internal.presets}) instead. Only {@code org.gdtls} and the other {@code internal} packages call it.
 */
package org.gdtls.internal.gen;
