package io.kdstream.model.djl;

import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kdstream's one way into DJL: every model, device and tokenizer reaches DJL's engine through here, so DJL's network
 * defaults are decided before DJL can act on them.
 *
 * <p>Why: when DJL first finds an engine it calls {@code ai.djl.util.Ec2Utils.callHome}, an HTTP PUT to the EC2
 * instance-metadata address 169.254.169.254 and then a telemetry GET to an S3 URL, unless offline mode
 * ({@code ai.djl.offline} / {@code DJL_OFFLINE}) or {@code OPT_OUT_TRACKING} is set; offline mode also stops DJL from
 * downloading engine builds. A training cluster must talk to nothing but its Kafka cluster, its registry and the
 * servers its operator configures, and the natives kdstream needs are on the classpath, so both default to
 * {@code true}. A user who wants DJL to download an engine sets {@code -Dai.djl.offline=false} (or
 * {@code DJL_OFFLINE=false}); telemetry stays off unless {@code OPT_OUT_TRACKING=false} is set too.
 */
public final class DjlEngine {

    /** The engine every kdstream model runs on; named so another engine on the classpath is not picked. */
    public static final String NAME = "PyTorch";

    static final String OFFLINE_PROPERTY = "ai.djl.offline";
    static final String OFFLINE_ENV = "DJL_OFFLINE";
    static final String OPT_OUT_TRACKING = "OPT_OUT_TRACKING";

    private static final Logger log = LoggerFactory.getLogger(DjlEngine.class);

    static {
        keepOffline();
    }

    private DjlEngine() {
    }

    /** DJL's PyTorch engine, started (on first call) with kdstream's network defaults in force. */
    public static Engine get() {
        return Engine.getEngine(NAME);
    }

    /**
     * Applies kdstream's network defaults where the user has not chosen: offline mode and no telemetry. Idempotent;
     * runs when this class is first used, so calling any method here before touching DJL is enough.
     */
    public static void keepOffline() {
        if (System.getProperty(OFFLINE_PROPERTY) == null && System.getenv(OFFLINE_ENV) == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
        if (System.getProperty(OPT_OUT_TRACKING) == null && System.getenv(OPT_OUT_TRACKING) == null) {
            System.setProperty(OPT_OUT_TRACKING, "true");
        }
        log.debug("DJL offline mode {}, telemetry opt-out {}", setting(OFFLINE_ENV, OFFLINE_PROPERTY),
                setting(OPT_OUT_TRACKING, OPT_OUT_TRACKING));
    }

    private static String setting(String env, String property) {
        String value = System.getenv(env);
        return value != null ? value + " (" + env + ")" : System.getProperty(property) + " (-D" + property + ")";
    }
}
