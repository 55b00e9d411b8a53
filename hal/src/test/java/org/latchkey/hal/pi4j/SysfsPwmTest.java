package org.latchkey.hal.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.latchkey.hal.HalException;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** The sysfs servo channel against a temporary folder laid out like /sys/class/pwm. */
class SysfsPwmTest {
    @TempDir Path root;

    /** The kernel's side: what exporting a channel creates. */
    private Path exportedChannel(int chip, int channel) throws Exception {
        Path dir = Files.createDirectories(root.resolve("pwmchip" + chip).resolve("pwm" + channel));
        for (String f : new String[] {"enable", "period", "duty_cycle"}) {
            Files.writeString(dir.resolve(f), "0");
        }
        return dir;
    }

    private String read(Path dir, String attribute) throws Exception {
        return Files.readString(dir.resolve(attribute));
    }

    @Test
    void open_exportedChannel_setsPeriodAndLeavesItDisabled() throws Exception {
        Path ch = exportedChannel(0, 0);
        SysfsPwm.open(root, 0, 0, 20_000_000L, d -> {});
        assertEquals("20000000", read(ch, "period"));
        assertEquals("0", read(ch, "enable"));
    }

    /**
     * Linux's pwm sysfs before 6.11: every write applies the whole state, refused (EINVAL) while
     * the period is 0 or the duty cycle exceeds it, even a write of "0" to enable.
     */
    private static SysfsPwm.AttributeWriter kernelBefore611() {
        return (file, value) -> {
            Path dir = file.getParent();
            long period = Long.parseLong(Files.readString(dir.resolve("period")).trim());
            long duty = Long.parseLong(Files.readString(dir.resolve("duty_cycle")).trim());
            switch (file.getFileName().toString()) {
                case "period" -> period = Long.parseLong(value);
                case "duty_cycle" -> duty = Long.parseLong(value);
                default -> {}
            }
            if (period == 0 || duty > period) {
                throw new java.io.IOException("Invalid argument");
            }
            Files.writeString(file, value);
        };
    }

    @Test
    void open_channelFreshFromExport_periodZero_onAKernelBefore611() throws Exception {
        Path ch = exportedChannel(0, 0);
        SysfsPwm pwm = SysfsPwm.open(root, 0, 0, 20_000_000L, d -> {}, kernelBefore611());
        assertEquals("20000000", read(ch, "period"));
        assertEquals("0", read(ch, "enable"));
        pwm.drive(1_000_000L);
        assertEquals("1", read(ch, "enable"));
    }

    @Test
    void drive_writesDutyCycleInNanoseconds_thenEnables_disableSwitchesOff() throws Exception {
        Path ch = exportedChannel(0, 0);
        SysfsPwm pwm = SysfsPwm.open(root, 0, 0, 20_000_000L, d -> {});
        pwm.drive(1_000_000L);
        assertEquals("1000000", read(ch, "duty_cycle"));
        assertEquals("1", read(ch, "enable"));
        pwm.drive(2_000_000L);
        assertEquals("2000000", read(ch, "duty_cycle"));
        pwm.disable();
        assertEquals("0", read(ch, "enable"));
        assertEquals("pwmchip0/pwm0", pwm.name());
    }

    @Test
    void open_unexportedChannel_writesExport_andWaitsForUdev() throws Exception {
        Path chip = Files.createDirectories(root.resolve("pwmchip2"));
        Files.writeString(chip.resolve("export"), "");
        AtomicInteger pauses = new AtomicInteger();
        SysfsPwm.open(
                root,
                2,
                2,
                20_000_000L,
                d -> {
                    // The kernel creates the channel a little after the export write.
                    if (pauses.incrementAndGet() == 3) {
                        exportedChannelUnchecked(2, 2);
                    }
                });
        assertEquals("2", read(chip, "export"));
        assertEquals(3, pauses.get());
        assertEquals("20000000", read(chip.resolve("pwm2"), "period"));
    }

    private void exportedChannelUnchecked(int chip, int channel) {
        try {
            exportedChannel(chip, channel);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void open_channelThatNeverAppears_failsNamingTheOverlay_afterBoundedWait() throws Exception {
        Path chip = Files.createDirectories(root.resolve("pwmchip0"));
        Files.writeString(chip.resolve("export"), "");
        AtomicInteger pauses = new AtomicInteger();
        HalException e =
                assertThrows(
                        HalException.class,
                        () ->
                                SysfsPwm.open(
                                        root, 0, 1, 20_000_000L, d -> pauses.incrementAndGet()));
        assertTrue(
                e.getMessage().contains("PWM channel 1 of pwmchip0 was not exported"),
                e.getMessage());
        assertEquals(SysfsPwm.EXPORT_WAIT.toMillis() / 50, pauses.get());
    }

    @Test
    void open_missingChip_namesTheDtoverlayLine() {
        HalException e =
                assertThrows(
                        HalException.class, () -> SysfsPwm.open(root, 0, 0, 20_000_000L, d -> {}));
        assertTrue(e.getMessage().contains("dtoverlay=pwm,pin=18,func=2"), e.getMessage());
        assertFalse(Files.exists(root.resolve("pwmchip0")));
    }

    @Test
    void permissionError_namesTheGroup() throws Exception {
        Path ch = exportedChannel(0, 0);
        SysfsPwm.AttributeWriter denyDuty =
                (file, value) -> {
                    if (file.endsWith("duty_cycle")) {
                        throw new AccessDeniedException(file.toString());
                    }
                    SysfsPwm.writeAttribute(file, value);
                };
        SysfsPwm pwm = SysfsPwm.open(root, 0, 0, 20_000_000L, d -> {}, denyDuty);
        HalException e = assertThrows(HalException.class, () -> pwm.drive(1_500_000L));
        assertTrue(e.getMessage().contains("gpio group"), e.getMessage());
        assertEquals("0", read(ch, "enable"), "never enabled with an unknown pulse width");

        SysfsPwm.AttributeWriter denyAll =
                (file, value) -> {
                    throw new AccessDeniedException(file.toString());
                };
        HalException atOpen =
                assertThrows(
                        HalException.class,
                        () -> SysfsPwm.open(root, 0, 0, 20_000_000L, d -> {}, denyAll));
        assertTrue(
                atOpen.getMessage().contains("no permission to write")
                        && atOpen.getMessage().contains("gpio group"),
                atOpen.getMessage());
    }
}
