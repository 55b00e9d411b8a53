package org.latchkey.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.latchkey.config.Durations;
import org.latchkey.token.Enrolment;
import org.latchkey.token.EnrolmentVerifier;
import org.latchkey.token.IssuerPolicy;
import org.latchkey.token.Json;
import org.latchkey.token.TrustedIssuer;

import java.util.Optional;

/**
 * {@code GET /v1/issuers}: every key in force, where its trust comes from, and what was set aside.
 */
final class IssuersJson {
    private IssuersJson() {}

    static ObjectNode of(EnrolmentVerifier.Extended trusted) {
        ObjectNode o = Json.object();
        ArrayNode list = o.putArray("issuers");
        for (TrustedIssuer i : trusted.trust().issuers()) {
            Optional<Enrolment> e = trusted.enrolment(i.kid());
            ObjectNode n = list.addObject();
            n.put("name", i.name());
            n.put("kid", i.kid());
            n.put("public_key", i.key().paserk());
            policy(n.putObject("policy"), i.policy());
            n.put("source", e.isPresent() ? "enrolled" : "config");
            e.ifPresent(x -> n.put("enrolled_by", x.signerKid()));
        }
        ArrayNode aside = o.putArray("set_aside");
        trusted.setAside().forEach(aside::add);
        return o;
    }

    static void policy(ObjectNode n, IssuerPolicy p) {
        ArrayNode roles = n.putArray("roles");
        p.roles().forEach(r -> roles.add(r.wireName()));
        n.put("max_window", Durations.format(p.maxWindow()));
        p.hours().ifPresent(h -> n.put("hours", h.toString()));
        n.put("once_only", p.onceOnly());
    }
}
