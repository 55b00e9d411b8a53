package org.latchkey.hal.pi4j;

import org.latchkey.hal.HalException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * One Linux hardware PWM channel through sysfs ({@code /sys/class/pwm/pwmchipN/pwmM}), written
 * directly: Pi4J's PWM API only sets whole-percent duty cycles (200 µs steps at 50 Hz), too coarse
 * for a servo. The root is a parameter so tests can use a folder laid out like {@code
 * /sys/class/pwm}.
 */
public final class SysfsPwm {
    /**
     * What to do between retries while udev fixes the permissions of a freshly exported channel.
     */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    /**
     * Writes one sysfs attribute; the real one is {@link #writeAttribute}. A seam for fault tests.
     */
    @FunctionalInterface
    public interface AttributeWriter {
        void write(Path file, String value) throws IOException;
    }

    static final Duration EXPORT_WAIT = Duration.ofSeconds(2);
    private static final Duration RETRY_STEP = Duration.ofMillis(50);

    private final Path chipDir;
    private final Path channelDir;
    private final int chip;
    private final int channel;
    private final AttributeWriter writer;

    private SysfsPwm(Path root, int chip, int channel, AttributeWriter writer) {
        this.writer = writer;
        this.chip = chip;
        this.channel = channel;
        this.chipDir = root.resolve("pwmchip" + chip);
        this.channelDir = chipDir.resolve("pwm" + channel);
    }

    /**
     * Exports the channel if needed, waits (bounded) for udev to make it writable, and sets the
     * period.
     *
     * @throws HalException with the {@code dtoverlay} line or permission fix an installer needs
     */
    public static SysfsPwm open(Path root, int chip, int channel, long periodNanos, Pause pause)
            throws HalException {
        return open(root, chip, channel, periodNanos, pause, SysfsPwm::writeAttribute);
    }

    static SysfsPwm open(
            Path root, int chip, int channel, long periodNanos, Pause pause, AttributeWriter writer)
            throws HalException {
        SysfsPwm pwm = new SysfsPwm(root, chip, channel, writer);
        pwm.prepare(periodNanos, pause);
        return pwm;
    }

    private void prepare(long periodNanos, Pause pause) throws HalException {
        if (!Files.isDirectory(chipDir)) {
            throw new HalException(
                    "PWM chip "
                            + chipDir
                            + " does not exist: the PWM overlay is not loaded. Add to"
                            + " /boot/firmware/config.txt, then reboot: on a Pi 4 or earlier"
                            + " 'dtoverlay=pwm,pin=18,func=2' (pwmchip0, channel 0); on a Pi 5"
                            + " 'dtoverlay=pwm,pin=18,func=3' (GPIO18 is channel 2 there). See"
                            + " docs/wiring.md.");
        }
        if (!Files.isDirectory(channelDir)) {
            write(
                    chipDir.resolve("export"),
                    Integer.toString(channel),
                    "export PWM channel " + channel);
        }
        // After export, udev changes the new files' group asynchronously: retry for a short while.
        long waited = 0;
        while (true) {
            try {
                // Period first: Linux before 6.11 refuses "0" in enable (EINVAL) while the period
                // is 0, as it is on a channel fresh from export on bcm2835 (found in the VM's
                // stage two); the duty cycle is 0 there, so this period is always accepted.
                writer.write(channelDir.resolve("period"), Long.toString(periodNanos));
                writer.write(channelDir.resolve("enable"), "0");
                return;
            } catch (NoSuchFileException | AccessDeniedException e) {
                if (waited >= EXPORT_WAIT.toMillis()) {
                    throw e instanceof AccessDeniedException
                            ? new HalException(
                                    "no permission to write "
                                            + e.getFile()
                                            + ": run latchkeyd as a member of the gpio group (sudo"
                                            + " usermod -aG gpio USER) and check the udev rule for"
                                            + " pwm")
                            : new HalException(
                                    "PWM channel "
                                            + channel
                                            + " of pwmchip"
                                            + chip
                                            + " was not exported ("
                                            + e.getFile()
                                            + " missing): check the pwm dtoverlay line and that"
                                            + " channel "
                                            + channel
                                            + " exists (see docs/wiring.md)");
                }
                try {
                    pause.pause(RETRY_STEP);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new HalException("interrupted while waiting for the PWM channel");
                }
                waited += RETRY_STEP.toMillis();
            } catch (IOException e) {
                throw new HalException(
                        "cannot set up PWM channel " + channelDir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Sets the pulse width and switches the output on. */
    public void drive(long dutyNanos) throws HalException {
        write(channelDir.resolve("duty_cycle"), Long.toString(dutyNanos), "set the duty cycle");
        write(channelDir.resolve("enable"), "1", "enable PWM");
    }

    /** Switches the output off: an idle servo neither buzzes nor heats. */
    public void disable() throws HalException {
        write(channelDir.resolve("enable"), "0", "disable PWM");
    }

    public String name() {
        return "pwmchip" + chip + "/pwm" + channel;
    }

    private void write(Path file, String value, String what) throws HalException {
        try {
            writer.write(file, value);
        } catch (AccessDeniedException e) {
            throw new HalException(
                    "cannot "
                            + what
                            + ": no permission to write "
                            + file
                            + " (run as a member of the gpio group)",
                    e);
        } catch (IOException e) {
            throw new HalException("cannot " + what + " (" + file + "): " + e.getMessage(), e);
        }
    }

    // sysfs attributes are written whole, in one write, without creating or truncating anything.
    static void writeAttribute(Path file, String value) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        Files.write(
                file,
                value.getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }
}
