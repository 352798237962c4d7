package io.kdstream.cli.bench.soak;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/**
 * This JVM's heap limits as HotSpot applied them. With the initial size equal to the maximum and every page touched at
 * start ({@code -Xms1g -Xmx1g -XX:+AlwaysPreTouch} in {@code KDSTREAM_JAVA_OPTS}) the heap is resident in full from the
 * start, so the resident set's growth is everything but the heap; otherwise it includes the heap's pages as the
 * collector first uses them.
 */
record HeapSetting(long initialBytes, long maxBytes, boolean preTouched) {

    static HeapSetting ofThisJvm() {
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        return new HeapSetting(Long.parseLong(hotSpot.getVMOption("InitialHeapSize").getValue()),
                Long.parseLong(hotSpot.getVMOption("MaxHeapSize").getValue()),
                Boolean.parseBoolean(hotSpot.getVMOption("AlwaysPreTouch").getValue()));
    }

    boolean fixed() {
        return initialBytes == maxBytes && preTouched;
    }
}
