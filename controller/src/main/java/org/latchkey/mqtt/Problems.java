package org.latchkey.mqtt;

import org.latchkey.config.MqttSettings;
import org.latchkey.mqtt.wire.ReasonCodes;
import org.latchkey.mqtt.wire.Session;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/** Why a connection to the broker failed, in words an installer can act on. */
public final class Problems {
    private Problems() {}

    public static String describe(Throwable cause, MqttSettings s) {
        String where = s.host() + ":" + s.port();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            switch (t) {
                case Session.Refused c -> {
                    return switch (c.reasonCode()) {
                        case 0x86, 0x87, 0x8C ->
                                "the broker refused the credentials of user "
                                        + s.username().orElse("(none)")
                                        + " ("
                                        + ReasonCodes.describe(c.reasonCode())
                                        + "): check username and password_file";
                        case 0x85 ->
                                "the broker refused the client id "
                                        + s.clientId()
                                        + " ("
                                        + ReasonCodes.describe(c.reasonCode())
                                        + ")";
                        default -> "the broker refused the connection: " + c.getMessage();
                    };
                }
                case SSLHandshakeException h when hasCertificateProblem(h) -> {
                    return "the broker's certificate did not verify for "
                            + s.host()
                            + " against "
                            + s.caFile().map(p -> "ca_file " + p).orElse("the system's trust store")
                            + ": "
                            + h.getMessage()
                            + " (no connection made)";
                }
                case SSLException e -> {
                    return "TLS with " + where + " failed: " + e.getMessage();
                }
                case UnknownHostException e -> {
                    return "the broker's name " + s.host() + " does not resolve";
                }
                case ConnectException e -> {
                    return "cannot reach " + where + " (" + e.getMessage() + ")";
                }
                case NoRouteToHostException e -> {
                    return "no route to " + where;
                }
                default -> {}
            }
        }
        return cause == null
                ? "the connection to " + where + " was lost"
                : "the connection to " + where + " failed: " + cause.getMessage();
    }

    private static boolean hasCertificateProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CertificateException
                    || String.valueOf(c.getMessage()).contains("certificate")
                    || String.valueOf(c.getMessage()).contains("subject alternative")) {
                return true;
            }
        }
        return false;
    }
}
