package io.kdstream.model.transformer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.kdstream.model.djl.DjlEngine;

import java.util.Locale;

/** The device a model runs on, from a setting: {@code auto} (a GPU when the engine sees one), {@code cpu}, {@code gpu} or {@code gpu:N}. */
public final class Devices {

    private Devices() {
    }

    public static Device parse(String setting) {
        String value = setting.trim().toLowerCase(Locale.ROOT);
        Engine engine = DjlEngine.get();
        if (value.equals("auto")) {
            return engine.defaultDevice();
        }
        if (value.equals("cpu")) {
            return Device.cpu();
        }
        if (value.equals("gpu") || value.startsWith("gpu:")) {
            int index = value.equals("gpu") ? 0 : Integer.parseInt(value.substring(4));
            int gpus = engine.getGpuCount();
            if (index >= gpus) {
                throw new IllegalArgumentException("device '" + setting + "' asked for, but the " + engine.getEngineName()
                        + " engine sees " + gpus + " GPU(s): is a CUDA build of its natives on the classpath?");
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException("unknown device '" + setting + "': expected auto, cpu, gpu or gpu:N");
    }
}
