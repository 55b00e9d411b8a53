package org.latchkey.token;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The lists in force on a door: the owners' own and fleet lists, and every other trusted key's (a
 * company's) own and fleet lists; all enforced, each with its own seq.
 *
 * @param others the lists of keys that are not owner keys, by slot
 */
public record RevocationLists(
        RevocationList lock,
        RevocationList fleet,
        Map<RevocationList.Slot, RevocationList> others) {
    public static final RevocationLists NONE =
            new RevocationLists(
                    RevocationList.none(RevocationList.Scope.LOCK),
                    RevocationList.none(RevocationList.Scope.FLEET),
                    Map.of());

    public RevocationLists {
        others = Map.copyOf(others);
    }

    public RevocationLists(RevocationList lock, RevocationList fleet) {
        this(lock, fleet, Map.of());
    }

    /** The owners' list of a scope. */
    public RevocationList of(RevocationList.Scope scope) {
        return scope == RevocationList.Scope.LOCK ? lock : fleet;
    }

    /** The list in a slot; a list with seq 0 when none was installed there. */
    public RevocationList of(RevocationList.Slot slot) {
        if (slot.signer().isEmpty()) {
            return of(slot.scope());
        }
        RevocationList l = others.get(slot);
        return l != null ? l : RevocationList.none(slot.signer(), slot.scope());
    }

    /** The other keys' lists, in a stable order. */
    public Collection<RevocationList> othersInOrder() {
        return new TreeMap<String, RevocationList>(
                        others.values().stream()
                                .collect(
                                        java.util.stream.Collectors.toMap(
                                                l -> l.signer().orElse("") + " " + l.scope(),
                                                l -> l)))
                .values();
    }

    /** These lists with {@code list} in its slot's place. */
    public RevocationLists with(RevocationList list) {
        if (list.signer().isPresent()) {
            Map<RevocationList.Slot, RevocationList> next = new java.util.HashMap<>(others);
            next.put(list.slot(), list);
            return new RevocationLists(lock, fleet, next);
        }
        return list.scope() == RevocationList.Scope.LOCK
                ? new RevocationLists(list, fleet, others)
                : new RevocationLists(lock, list, others);
    }

    /** An owners' list could not be read: only owner tokens until one is installed. */
    public boolean unreadable() {
        return lock.unreadable() || fleet.unreadable();
    }

    /**
     * Whether what revokes tokens of key {@code kid} is unknown: an owners' list, or that key's
     * own, could not be read.
     */
    public boolean unreadableFor(String kid) {
        return unreadable()
                || others.values().stream()
                        .anyMatch(l -> l.unreadable() && l.signer().equals(Optional.of(kid)));
    }

    public boolean revokesKey(String kid) {
        return lock.revokesKey(kid)
                || fleet.revokesKey(kid)
                || others.values().stream().anyMatch(l -> l.revokesKey(kid));
    }

    public boolean revokesToken(String kid, String jti) {
        return lock.revokesToken(kid, jti)
                || fleet.revokesToken(kid, jti)
                || others.values().stream().anyMatch(l -> l.revokesToken(kid, jti));
    }
}
