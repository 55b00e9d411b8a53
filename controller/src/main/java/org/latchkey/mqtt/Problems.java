package org.latchkey.mqtt;

import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;

import org.latchkey.config.MqttSettings;

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
                case Mqtt5ConnAckException c -> {
                    var code = c.getMqttMessage().getReasonCode();
                    return switch (code) {
                        case NOT_AUTHORIZED, BAD_USER_NAME_OR_PASSWORD, BAD_AUTHENTICATION_METHOD ->
                                "the broker refused the credentials of user "
                                        + s.username().orElse("(none)")
                                        + " ("
                                        + code
                                        + "): check username and password_file";
                        case CLIENT_IDENTIFIER_NOT_VALID ->
                                "the broker refused the client id "
                                        + s.clientId()
                                        + " ("
                                        + code
                                        + ")";
                        default -> "the broker refused the connection: " + code;
                    };
                }
                case Mqtt5DisconnectException d -> {
                    return "the broker disconnected the door: "
                            + d.getMqttMessage().getReasonCode();
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
