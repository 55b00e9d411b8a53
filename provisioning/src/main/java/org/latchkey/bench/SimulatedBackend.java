package org.latchkey.bench;

import org.latchkey.hal.DoorHardware;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Scheduler;
import org.latchkey.hal.sim.SimulatedDoor;

import java.time.Duration;
import java.util.Set;

/** The simulated hardware of the hal module. */
final class SimulatedBackend implements Backend {
    private final SimulatedDoor door;

    SimulatedBackend(
            Scheduler scheduler,
            HardwareListener listener,
            Duration travel,
            boolean boltThrown,
            boolean doorOpen) {
        door = new SimulatedDoor(scheduler, listener, travel, Set.of(), boltThrown, doorOpen);
    }

    @Override
    public DoorHardware hardware() {
        return door;
    }

    @Override
    public void open() {
        door.openDoor();
    }

    @Override
    public void shut() {
        door.closeDoor();
    }

    @Override
    public void force() {
        door.forceOpen();
    }

    @Override
    public void inject(HalConfig.Fault fault) {
        door.inject(fault);
    }

    @Override
    public boolean boltThrown() {
        return door.boltPhysicallyThrown();
    }

    @Override
    public boolean doorOpen() {
        return door.doorPhysicallyOpen();
    }

    @Override
    public void release() {
        door.close();
    }
}
