package dev.corral.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits for tests: a hung future fails the test instead of hanging it. */
final class Await {

    static final long SECONDS = 90;

    private Await() {
    }

    static <T> T done(CompletableFuture<T> future) {
        try {
            return future.get(SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The CorralException {@code future} fails with. */
    static CorralException failure(CompletableFuture<?> future) {
        try {
            Object value = future.get(SECONDS, TimeUnit.SECONDS);
            return fail("expected a CorralException, got " + value);
        } catch (ExecutionException e) {
            CorralException error = CorralException.unwrap(e);
            assertNotNull(error, () -> "expected a CorralException, got " + e.getCause());
            return error;
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
