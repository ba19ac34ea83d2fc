package dev.corral.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StreamDispatchTest {

    final ExecutorService pool = Executors.newFixedThreadPool(4);
    final List<String> calls = new CopyOnWriteArrayList<>();
    final CountDownLatch ended = new CountDownLatch(1);
    final AtomicInteger pauses = new AtomicInteger();
    final AtomicInteger resumes = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    StreamDispatch.Source source() {
        return new StreamDispatch.Source() {
            @Override
            public void pause() {
                pauses.incrementAndGet();
            }

            @Override
            public void resume() {
                resumes.incrementAndGet();
            }

            @Override
            public void close() {
                closes.incrementAndGet();
            }
        };
    }

    StreamCallback<Integer> recorder(int throwAt, long slowMs) {
        return new StreamCallback<>() {
            @Override
            public void onStart(AutoCloseable stream) {
                calls.add("start");
            }

            @Override
            public void onNext(Integer item) {
                if (item == throwAt) {
                    throw new IllegalStateException("callback bug");
                }
                if (slowMs > 0) {
                    RunningInstanceContract.sleep(slowMs);
                }
                calls.add("next " + item);
            }

            @Override
            public void onError(Throwable error) {
                calls.add("error " + error.getMessage());
                ended.countDown();
            }

            @Override
            public void onComplete() {
                calls.add("complete");
                ended.countDown();
            }
        };
    }

    @Test
    void inOrderStartFirstOneTerminalCall() throws Exception {
        StreamDispatch<Integer> dispatch = new StreamDispatch<>(recorder(-1, 0), pool);
        dispatch.next(1); // held until the start
        dispatch.start(source());
        for (int i = 2; i <= 1000; i++) {
            dispatch.next(i);
        }
        dispatch.complete();
        dispatch.fail(new IllegalStateException("too late"));
        dispatch.next(1001);
        assertTrue(ended.await(10, TimeUnit.SECONDS));
        RunningInstanceContract.sleep(50);
        assertEquals(1002, calls.size());
        assertEquals("start", calls.get(0));
        for (int i = 1; i <= 1000; i++) {
            assertEquals("next " + i, calls.get(i));
        }
        assertEquals("complete", calls.get(1001));
    }

    @Test
    void aThrowingCallbackEndsTheStreamWithItsError() throws Exception {
        StreamDispatch<Integer> dispatch = new StreamDispatch<>(recorder(3, 0), pool);
        dispatch.start(source());
        for (int i = 1; i <= 10; i++) {
            dispatch.next(i);
        }
        assertTrue(ended.await(10, TimeUnit.SECONDS));
        RunningInstanceContract.sleep(50);
        assertEquals(List.of("start", "next 1", "next 2", "error callback bug"), calls);
        assertEquals(1, closes.get());
    }

    @Test
    void aSlowCallbackPausesTheSource() throws Exception {
        StreamDispatch<Integer> dispatch = new StreamDispatch<>(recorder(-1, 1), pool);
        dispatch.start(source());
        int items = StreamDispatch.HIGH_WATER * 2;
        for (int i = 1; i <= items; i++) {
            dispatch.next(i);
        }
        assertTrue(pauses.get() >= 1, "paused");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (calls.size() < items + 1 && System.nanoTime() < deadline) {
            RunningInstanceContract.sleep(10);
        }
        assertEquals(pauses.get(), resumes.get(), "resumed as often, once drained");
        dispatch.complete();
        assertTrue(ended.await(10, TimeUnit.SECONDS));
    }

    @Test
    void anAbandonedStreamCallsNothing() {
        StreamDispatch<Integer> dispatch = new StreamDispatch<>(recorder(-1, 0), pool);
        dispatch.next(1);
        dispatch.abandon();
        dispatch.start(source());
        dispatch.complete();
        RunningInstanceContract.sleep(100);
        assertEquals(List.of(), calls);
    }
}
