package org.latchkey.hal.pi4j;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;

import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;
import org.latchkey.hal.Indicators;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The lights and buzzer on GPIO outputs, each at its own active level; off until told. */
final class GpioIndicators implements Indicators {
    private final Map<Signal, DigitalOutput> lines;
    private final Map<Signal, HalConfig.Output> wiring;
    private final Map<Signal, Boolean> levels = new EnumMap<>(Signal.class);

    private final Map<Signal, DigitalInput> senses;

    /**
     * @param senses inputs wired to read outputs back, where fitted
     */
    GpioIndicators(
            Map<Signal, DigitalOutput> lines,
            Map<Signal, DigitalInput> senses,
            Map<Signal, HalConfig.Output> wiring) {
        this.lines = Map.copyOf(lines);
        this.senses = Map.copyOf(senses);
        this.wiring = Map.copyOf(wiring);
    }

    @Override
    public Optional<Boolean> sensed(Signal signal) throws HalException {
        DigitalInput in = senses.get(signal);
        if (in == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    in.state() == Pi4jDoorHardware.state(wiring.get(signal).activeLevel()));
        } catch (RuntimeException e) {
            throw new HalException(
                    "cannot read the " + signal.configName() + " sense input: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public Set<Signal> fitted() {
        return lines.keySet();
    }

    @Override
    public synchronized void set(Signal signal, boolean on) throws HalException {
        DigitalOutput line = lines.get(signal);
        if (line == null) {
            return;
        }
        org.latchkey.hal.Level active = wiring.get(signal).activeLevel();
        try {
            line.state(Pi4jDoorHardware.state(on ? active : active.opposite()));
        } catch (RuntimeException e) {
            throw new HalException(
                    "cannot drive the "
                            + signal.configName()
                            + " output (BCM "
                            + wiring.get(signal).pin()
                            + "): "
                            + e.getMessage(),
                    e);
        }
        levels.put(signal, on);
    }

    @Override
    public synchronized boolean isOn(Signal signal) {
        return levels.getOrDefault(signal, false);
    }

    /** Every output off, as close() leaves them. */
    synchronized void allOff() {
        for (Signal s : lines.keySet()) {
            try {
                set(s, false);
            } catch (HalException e) {
                // Closing: the shutdown state set at creation turns it off as Pi4J releases it.
            }
        }
    }
}
