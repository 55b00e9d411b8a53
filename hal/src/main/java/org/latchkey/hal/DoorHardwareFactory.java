package org.latchkey.hal;

import java.nio.file.Path;
import org.latchkey.hal.pi4j.Pi4jContexts;
import org.latchkey.hal.pi4j.Pi4jDoorHardware;
import org.latchkey.hal.sim.SimulatedDoor;

/** Opens the door's hardware as the configuration says. */
public final class DoorHardwareFactory {
    public static final Path SYS_CLASS_PWM = Path.of("/sys/class/pwm");
    public static final Path DEV = Path.of("/dev");

    private DoorHardwareFactory() {}

    public static DoorHardware open(HalConfig config, Scheduler scheduler, HardwareListener listener)
            throws HalException {
        return switch (config.driver()) {
            case SIMULATED -> new SimulatedDoor(scheduler, listener, config.bolt().travelTime(), config.faults());
            case PI4J -> new Pi4jDoorHardware(Pi4jContexts.gpiod(DEV, config.gpioChip()), config, SYS_CLASS_PWM,
                    d -> Thread.sleep(d), scheduler, listener);
        };
    }
}
