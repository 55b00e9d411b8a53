package org.latchkey.bench;

import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.HalConfig;

/**
 * The physical world around the door for one bench run: the hardware the controller drives, and the
 * hands that open, close and force the door and stage faults.
 */
interface Backend {
    DoorHardware hardware();

    /** A person pulls the door (a thrown bolt holds it: then nothing happens). */
    void open();

    void shut();

    void force();

    void inject(HalConfig.Fault fault);

    /** Whether the bolt is physically thrown: the truth a power cut leaves behind. */
    boolean boltThrown();

    boolean doorOpen();

    /** Ends the run: the hardware releases everything. */
    void release();
}
