package io.lakebatch.server;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The server's only connector when {@code server.tls} is set: HTTPS on the configured host and port
 * with the key store's key; no plain-HTTP port stays open beside it.
 */
final class HttpsConnector {
  private HttpsConnector() {}

  static Connector create(
      Server server, HttpConfiguration http, ServerConfig.Tls tls, String host, int port) {
    SslContextFactory.Server ssl = new SslContextFactory.Server();
    ssl.setKeyStorePath(tls.keystore().toAbsolutePath().toString());
    ssl.setKeyStorePassword(tls.password());
    HttpConfiguration https = new HttpConfiguration(http);
    // clients reach a batch server by IP or an internal name the certificate may not carry as SNI
    https.addCustomizer(new SecureRequestCustomizer(false));
    ServerConnector connector =
        new ServerConnector(
            server,
            new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
            new HttpConnectionFactory(https));
    connector.setHost(host);
    connector.setPort(port);
    return connector;
  }
}
