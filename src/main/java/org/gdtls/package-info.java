/**
 * gdtls-java: GIO's DTLS ({@code GDtlsConnection} and what it needs around it) for Java, backed by libgio and
 * glib-networking. The only exported package of the {@code org.gdtls} module.
 *
 * <p>Start with {@link org.gdtls.UdpSocket}, {@link org.gdtls.DtlsClientConnection} and
 * {@link org.gdtls.DtlsServerConnection}; asynchronous operations run on a {@link org.gdtls.MainContextPump}.
 * Each method names the C function it wraps ({@link org.gdtls.Wraps}); a {@code GError} arrives as a
 * {@link org.gdtls.GioException} subclass per error domain.
 */
package org.gdtls;
