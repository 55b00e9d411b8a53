package org.latchkey.door;

import java.time.Instant;
import java.util.List;

/**
 * Told of every transition the door's loop makes, with the commands it ran: what turns visits into
 * receipts (org.latchkey.receipt.VisitLog). On the loop's thread.
 */
public interface VisitRecorder {
    VisitRecorder NONE = (before, after, commands, at) -> {};

    void transition(DoorModel before, DoorModel after, List<DoorCommand> commands, Instant at);
}
