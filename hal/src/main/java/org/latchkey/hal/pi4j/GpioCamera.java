package org.latchkey.hal.pi4j;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;

import org.latchkey.hal.Camera;
import org.latchkey.hal.HalConfig;
import org.latchkey.hal.HardwareEvent;
import org.latchkey.hal.HardwareListener;
import org.latchkey.hal.Scheduler;

/**
 * The camera trigger on a digital output: held active while recording (HOLD), or one pulse to start
 * and one to stop (PULSE). An optional ready input confirms the camera is working.
 */
final class GpioCamera implements Camera {
    private final DigitalOutput trigger;
    private final LevelWatch ready;
    private final HalConfig.CameraWiring config;
    private final DigitalState active;
    private final DigitalState inactive;
    private final DigitalState readyState;
    private final Scheduler scheduler;
    private boolean recording;
    private Scheduler.Cancellable pulseEnd;

    GpioCamera(
            DigitalOutput trigger,
            DigitalInput ready,
            HalConfig.CameraWiring config,
            Scheduler scheduler,
            HardwareListener listener) {
        this.trigger = trigger;
        this.config = config;
        this.active = Pi4jDoorHardware.state(config.activeLevel());
        this.inactive = Pi4jDoorHardware.state(config.activeLevel().opposite());
        this.readyState = Pi4jDoorHardware.state(config.readyLevel());
        this.scheduler = scheduler;
        this.ready =
                ready == null
                        ? null
                        : new LevelWatch(
                                ready,
                                level ->
                                        listener.onEvent(
                                                new HardwareEvent.CameraReadyChanged(
                                                        level == readyState)));
    }

    @Override
    public synchronized void startRecording() {
        if (recording) {
            return;
        }
        recording = true;
        signal();
    }

    @Override
    public synchronized void stopRecording() {
        if (!recording) {
            return;
        }
        recording = false;
        signal();
    }

    private void signal() {
        if (config.mode() == HalConfig.CameraMode.HOLD) {
            trigger.state(recording ? active : inactive);
            return;
        }
        if (pulseEnd != null) {
            pulseEnd.cancel();
        }
        trigger.state(active);
        pulseEnd =
                scheduler.schedule(
                        config.pulse(),
                        () -> {
                            synchronized (GpioCamera.this) {
                                trigger.state(inactive);
                                pulseEnd = null;
                            }
                        });
    }

    @Override
    public synchronized boolean recording() {
        return recording;
    }

    @Override
    public boolean hasReadySignal() {
        return ready != null;
    }

    @Override
    public boolean ready() {
        return ready != null && ready.state() == readyState;
    }

    synchronized void stopTimers() {
        if (pulseEnd != null) {
            pulseEnd.cancel();
            pulseEnd = null;
        }
    }
}
