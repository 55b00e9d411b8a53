package org.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;

import org.latchkey.assembly.StateDirEnrolments;
import org.latchkey.config.DeviceConfig;
import org.latchkey.config.Durations;
import org.latchkey.token.Enrolment;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.Json;
import org.latchkey.token.PublicKey;
import org.latchkey.token.Role;
import org.latchkey.token.TrustedIssuer;
import org.latchkey.token.WeeklyHours;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keys enrolled on a door (owners' phones): asked of the running latchkeyd, else read from the
 * state directory and verified as the door would.
 */
record EnrolledKeys(List<Key> keys, List<String> setAside, String from) {
    /** An enrolled key, and the owner key that enrolled it. */
    record Key(TrustedIssuer issuer, String enrolledBy) {}

    static EnrolledKeys of(DeviceConfig device, Optional<String> url) throws Exception {
        DaemonClient client = new DaemonClient(DaemonClient.baseUrl(url, Optional.of(device)));
        Optional<HttpResponse<String>> answer = client.get("/v1/issuers");
        if (answer.isPresent() && answer.get().statusCode() == 200) {
            return fromDaemon(Json.read(answer.get().body()), "latchkeyd at " + client.base());
        }
        try {
            var trusted = StateDirEnrolments.trusted(device, device.stateDir());
            List<Key> keys = new ArrayList<>();
            for (Enrolment e : trusted.enrolled()) {
                keys.add(new Key(e.issuer(), e.signerKid()));
            }
            return new EnrolledKeys(keys, trusted.setAside(), device.stateDir().toString());
        } catch (IOException e) {
            throw CliException.failed(
                    "latchkeyd does not answer and "
                            + device.stateDir()
                            + " cannot be read ("
                            + IoProblems.describe(e)
                            + "): run this as root or as the latchkey user");
        }
    }

    private static EnrolledKeys fromDaemon(JsonNode root, String from) {
        List<Key> keys = new ArrayList<>();
        for (JsonNode n : root.path("issuers")) {
            if (!n.path("source").asText().equals("enrolled")) {
                continue;
            }
            JsonNode p = n.path("policy");
            Set<Role> roles = EnumSet.noneOf(Role.class);
            p.path("roles").forEach(r -> Role.fromWireName(r.asText()).ifPresent(roles::add));
            IssuerPolicy policy =
                    new IssuerPolicy(
                            roles,
                            Durations.parse(p.path("max_window").asText()),
                            p.has("hours")
                                    ? Optional.of(WeeklyHours.parse(p.path("hours").asText()))
                                    : Optional.empty(),
                            p.path("once_only").asBoolean());
            keys.add(
                    new Key(
                            new TrustedIssuer(
                                    n.path("name").asText(),
                                    PublicKey.fromPaserk(n.path("public_key").asText()),
                                    policy),
                            n.path("enrolled_by").asText()));
        }
        List<String> aside = new ArrayList<>();
        root.path("set_aside").forEach(a -> aside.add(a.asText()));
        return new EnrolledKeys(keys, aside, from);
    }

    Optional<Key> named(String name) {
        return keys.stream().filter(k -> k.issuer().name().equals(name)).findFirst();
    }
}
