/** What the {@link org.gdtls.DtlsServer} decides in Java: who may start a handshake. */
package org.gdtls.internal.server;
