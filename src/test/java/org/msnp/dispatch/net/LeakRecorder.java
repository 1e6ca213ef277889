package org.msnp.dispatch.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

/**
 * Records Netty buffer leaks instead of only logging them. {@link #install()} sets a leak
 * detector factory whose detectors record every report, at PARANOID level. The buffer detector is
 * created once per JVM, when Netty's buffer classes load: if another test loaded them first, the
 * existing detector is told to report to this recorder as well.
 */
final class LeakRecorder {
    /** A hint every deliberate leak carries, so that it is not counted against the code under test. */
    static final String CANARY = "msnp-leak-canary";
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private LeakRecorder() {
    }

    static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<?> resourceType, int samplingInterval) {
            super(resourceType, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add("LEAK " + resourceType + ":" + records);
            super.reportTracedLeak(resourceType, records);   // still logged for every other test
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add("LEAK " + resourceType + " (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                     long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
        ResourceLeakDetector<?> buffers = bufferDetector();
        if (!(buffers instanceof RecordingDetector)) {
            buffers.setLeakListener((type, records) -> LEAKS.add("LEAK " + type + ":" + records));
        }
    }

    /** Netty's detector for every {@link ByteBuf}: {@code AbstractByteBuf.leakDetector}. */
    static ResourceLeakDetector<?> bufferDetector() {
        try {
            Field f = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
            f.setAccessible(true);
            return (ResourceLeakDetector<?>) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot reach Netty's buffer leak detector", e);
        }
    }

    /**
     * Collects garbage until the leak detector has seen what became unreachable. Leaks are noticed
     * when a buffer is tracked after the leaked one was collected, so buffers are allocated between
     * collections. Returns once {@code until} is satisfied or after a bounded number of rounds.
     */
    static List<String> collect(int rounds, java.util.function.Predicate<List<String>> until) throws InterruptedException {
        for (int round = 0; round < rounds && !until.test(List.copyOf(LEAKS)); round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 8; i++) {
                ByteBufAllocator.DEFAULT.buffer(16).release();
                ByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
        return List.copyOf(LEAKS);
    }

    /** Leaks other than the deliberate ones. */
    static List<String> realLeaks() throws InterruptedException {
        return collect(4, l -> false).stream().filter(l -> !l.contains(CANARY)).toList();
    }

    /** Leaks a buffer on purpose (tagged with {@link #CANARY}). */
    static void leakOneOnPurpose() {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(8);
        b.writeLong(42);
        b.touch(CANARY);
    }
}
