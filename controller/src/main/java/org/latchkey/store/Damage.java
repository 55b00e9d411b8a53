package org.latchkey.store;

/**
 * Something in the state directory that could not be read when it was loaded. The door keeps
 * running on what it could read, raises STATE_DAMAGED and audits this.
 *
 * @param keptAs where the unreadable part was copied, or empty when it is still in place (or
 *     nothing was copied)
 * @param problem what is wrong, for a person
 */
public record Damage(String file, String keptAs, String problem) {}
