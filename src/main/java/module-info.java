/**
 * gdtls-java: GIO's DTLS for Java. Only {@code org.gdtls} is API; the generated JNI layer and the plumbing
 * ({@code org.gdtls.internal.*}) are not exported.
 */
module org.gdtls {
    requires org.bytedeco.javacpp;
    // sun.misc.Unsafe reads a direct buffer's address without a JNI call on JDK 17-23 (DatagramBatch).
    requires jdk.unsupported;

    exports org.gdtls;
    // Nothing is opened: JavaCPP's Loader reads the generated classes' annotations (public API) and finds their
    // JNI libraries under org/gdtls/internal/gen/global/<platform>/, a directory no package encapsulates.
    // ModulePathTest runs a handshake with the library on the module path.
}
