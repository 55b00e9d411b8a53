package org.latchkey.hal;

/** The camera trigger output and its optional "camera ready" input. */
public interface Camera {
    void startRecording();

    void stopRecording();

    boolean recording();

    /** Whether a ready input is wired, so {@link #ready()} means something. */
    boolean hasReadySignal();

    /** The camera confirms it is working; false without a ready input. */
    boolean ready();
}
