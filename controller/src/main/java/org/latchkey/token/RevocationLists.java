package org.latchkey.token;

/** The lists in force on a door: its own and its fleet's, both enforced, each with its own seq. */
public record RevocationLists(RevocationList lock, RevocationList fleet) {
    public static final RevocationLists NONE =
            new RevocationLists(
                    RevocationList.none(RevocationList.Scope.LOCK),
                    RevocationList.none(RevocationList.Scope.FLEET));

    public RevocationList of(RevocationList.Scope scope) {
        return scope == RevocationList.Scope.LOCK ? lock : fleet;
    }

    /** These lists with {@code list} in its scope's place. */
    public RevocationLists with(RevocationList list) {
        return list.scope() == RevocationList.Scope.LOCK
                ? new RevocationLists(list, fleet)
                : new RevocationLists(lock, list);
    }

    /** A list of either scope could not be read: only owner tokens until one is installed. */
    public boolean unreadable() {
        return lock.unreadable() || fleet.unreadable();
    }

    public boolean revokesKey(String kid) {
        return lock.revokesKey(kid) || fleet.revokesKey(kid);
    }

    public boolean revokesToken(String kid, String jti) {
        return lock.revokesToken(kid, jti) || fleet.revokesToken(kid, jti);
    }
}
