package io.kdstream.cli.bench.distill;

import java.util.Locale;

/** Where a student run's weights start: random ({@link #SCRATCH}) or the setting's pretrained base student. */
public enum StudentStart {
    SCRATCH, PRETRAINED;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
