package org.latchkey.hal;

import org.latchkey.hal.pi4j.Pi4jContexts;
import org.latchkey.hal.pi4j.Pi4jDoorHardware;
import org.latchkey.hal.sim.SimulatedDoor;

import java.nio.file.Path;

/** Opens the door's hardware as the configuration says. */
public final class DoorHardwareFactory {
    public static final Path DEV = Path.of("/dev");

    private DoorHardwareFactory() {}

    public static DoorHardware open(
            HalConfig config, Scheduler scheduler, HardwareListener listener) throws HalException {
        return switch (config.driver()) {
            case SIMULATED ->
                    SimulatedDoor.open(
                            scheduler, listener, config.bolt().travelTime(), config.simulated());
            case PI4J ->
                    new Pi4jDoorHardware(
                            Pi4jContexts.gpiod(DEV, config.gpioChip()),
                            config,
                            config.pwmRoot(),
                            d -> Thread.sleep(d),
                            scheduler,
                            listener);
        };
    }
}
