package org.latchkey.hal.pi4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;

import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.util.ArrayList;
import java.util.List;

/** Level changes as the line reads, once per change, whatever order late events arrive in. */
class LevelWatchTest {
    private final DigitalInput input = mock(DigitalInput.class);
    private final List<DigitalState> reported = new ArrayList<>();

    private DigitalStateChangeListener watch(DigitalState initial) {
        when(input.state()).thenReturn(initial);
        new LevelWatch(input, reported::add);
        @SuppressWarnings("unchecked")
        ArgumentCaptor<DigitalStateChangeListener> listener =
                ArgumentCaptor.forClass(DigitalStateChangeListener.class);
        verify(input).addListener(listener.capture());
        return listener.getValue();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void deliver(DigitalStateChangeListener l, DigitalState eventState) {
        l.onDigitalStateChange(new DigitalStateChangeEvent(input, eventState));
    }

    @Test
    void aBurstDeliveredLate_isOneChange_toWhereTheLineSettled() {
        DigitalStateChangeListener l = watch(DigitalState.LOW);
        // A lagging reader hands over every edge of a bouncing opening after the line settled
        // high.
        when(input.state()).thenReturn(DigitalState.HIGH);
        deliver(l, DigitalState.HIGH);
        deliver(l, DigitalState.LOW);
        deliver(l, DigitalState.HIGH);
        deliver(l, DigitalState.LOW);
        deliver(l, DigitalState.HIGH);
        assertEquals(List.of(DigitalState.HIGH), reported);
    }

    @Test
    void eachRealChange_isReported_andAnEventWithoutChange_isNot() {
        DigitalStateChangeListener l = watch(DigitalState.LOW);
        deliver(l, DigitalState.HIGH); // the line already went back: nothing changed
        when(input.state()).thenReturn(DigitalState.HIGH);
        deliver(l, DigitalState.HIGH);
        when(input.state()).thenReturn(DigitalState.LOW);
        deliver(l, DigitalState.LOW);
        assertEquals(List.of(DigitalState.HIGH, DigitalState.LOW), reported);
    }

    @Test
    void registersExactlyOneListener() {
        watch(DigitalState.HIGH);
        verify(input).addListener(any(DigitalStateChangeListener.class));
    }
}
