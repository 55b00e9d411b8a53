package org.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * The run the command line's class cache is made from must do what it says: a step that starts
 * failing (a renamed option, a changed default) would quietly leave its command's classes out of
 * the cache and make that command slower.
 */
class CacheTrainingTest {
    @TempDir Path work;

    @Test
    void everyStep_endsAsExpected_onADoorOfItsOwn() {
        CacheTraining.Outcome door = CacheTraining.prepare(work);
        assertEquals(0, door.code(), "the door is set up: " + door.err());
        List<CacheTraining.Outcome> outcomes = CacheTraining.run(work);
        for (CacheTraining.Outcome o : outcomes) {
            assertTrue(
                    o.asExpected(),
                    String.join(" ", o.step().args()) + " ended " + o.code() + ": " + o.err());
        }
        assertTrue(outcomes.size() >= 6, "the commands run most: " + outcomes.size());
        CacheTraining.Outcome verify =
                outcomes.stream()
                        .filter(o -> o.step().args()[0].equals("token"))
                        .filter(o -> o.step().args()[1].equals("verify"))
                        .findFirst()
                        .orElseThrow();
        assertEquals(0, verify.code(), "a token the run issued verifies: " + verify.err());
    }
}
