package org.latchkey.hal.pi4j;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;

import org.latchkey.hal.BoltPosition;
import org.latchkey.hal.Deadbolt;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HalException;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Scheduler;

/**
 * A deadbolt driven by a hobby servo on sysfs PWM: a pulse width per position, held for the travel
 * time, then the PWM is switched off. An optional bolt switch confirms the bolt is thrown; without
 * one, arrival is assumed.
 */
final class ServoDeadbolt implements Deadbolt {
    private final SysfsPwm pwm;
    private final HalConfig.Bolt config;
    private final DigitalInput boltSwitch;
    private final DigitalState thrownState;
    private final Scheduler scheduler;
    private final HardwareListener listener;

    private BoltPosition position;
    private Scheduler.Cancellable motion;

    ServoDeadbolt(
            SysfsPwm pwm,
            HalConfig.Bolt config,
            DigitalInput boltSwitch,
            Scheduler scheduler,
            HardwareListener listener) {
        this.pwm = pwm;
        this.config = config;
        this.boltSwitch = boltSwitch;
        this.thrownState = Pi4jDoorHardware.state(config.switchLockedLevel());
        this.scheduler = scheduler;
        this.listener = listener;
        // At start the bolt is wherever it was left: only a switch can say.
        this.position = boltSwitch == null ? BoltPosition.UNKNOWN : fromSwitch();
        if (boltSwitch != null) {
            boltSwitch.addListener(e -> switchChanged());
        }
    }

    @Override
    public void lock() {
        move(BoltPosition.LOCKED, config.lockedPulseMicros());
    }

    @Override
    public void unlock() {
        move(BoltPosition.UNLOCKED, config.unlockedPulseMicros());
    }

    private void move(BoltPosition target, int pulseMicros) {
        synchronized (this) {
            if (motion != null) {
                motion.cancel();
            }
            position = BoltPosition.MOVING;
            try {
                pwm.drive(pulseMicros * 1000L);
            } catch (HalException e) {
                position = BoltPosition.UNKNOWN;
                motion = null;
                notifySettled(BoltPosition.UNKNOWN);
                return;
            }
            motion = scheduler.schedule(config.travelTime(), () -> settle(target));
        }
    }

    private void settle(BoltPosition target) {
        BoltPosition result;
        synchronized (this) {
            motion = null;
            boolean pwmOff = true;
            try {
                pwm.disable();
            } catch (HalException e) {
                pwmOff = false;
            }
            result =
                    !pwmOff
                            ? BoltPosition.UNKNOWN
                            : boltSwitch == null
                                    ? target
                                    : fromSwitch() == target ? target : BoltPosition.UNKNOWN;
            position = result;
        }
        notifySettled(result);
    }

    /** The bolt moved without a command (a hand on the thumb-turn): report it. */
    private void switchChanged() {
        BoltPosition now;
        synchronized (this) {
            if (motion != null) {
                return; // a motion is settling; its end reads the switch
            }
            now = fromSwitch();
            if (now == position) {
                return;
            }
            position = now;
        }
        notifySettled(now);
    }

    private BoltPosition fromSwitch() {
        return boltSwitch.state() == thrownState ? BoltPosition.LOCKED : BoltPosition.UNLOCKED;
    }

    private void notifySettled(BoltPosition p) {
        listener.onEvent(new HardwareEvent.BoltSettled(p));
    }

    @Override
    public synchronized BoltPosition position() {
        return position;
    }

    @Override
    public boolean hasPositionSwitch() {
        return boltSwitch != null;
    }

    /** Shutdown: finish nothing new; switch the PWM off so the servo is not left driven. */
    synchronized void stop() {
        if (motion != null) {
            motion.cancel();
            motion = null;
        }
        try {
            pwm.disable();
        } catch (HalException e) {
            // Already failing; the kernel disables PWM when the channel is released anyway.
        }
    }
}
