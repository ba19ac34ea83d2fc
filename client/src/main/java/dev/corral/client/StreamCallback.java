package dev.corral.client;

/**
 * Receives a stream: event messages, exec output, or the messages of an operation websocket.
 *
 * <p>Calls come in order and one at a time, on the client's callback threads (never its I/O thread, so they may
 * block; the stream is paused while too many calls are pending): {@link #onStart} once, then {@link #onNext} for each
 * item, then exactly one of {@link #onError} or {@link #onComplete}, then nothing more. A callback that throws ends the
 * stream: it is closed and {@link #onError} receives what was thrown.
 *
 * @param <T> the items
 */
public interface StreamCallback<T> {

    /** The stream is open; {@code stream} closes it (then {@link #onComplete} follows). */
    default void onStart(AutoCloseable stream) {
    }

    /** One item. */
    void onNext(T item);

    /** The stream ended because of {@code error} (usually a {@link CorralException}). */
    default void onError(Throwable error) {
    }

    /** The stream ended normally: the daemon finished it, or it was closed from this side. */
    default void onComplete() {
    }
}
