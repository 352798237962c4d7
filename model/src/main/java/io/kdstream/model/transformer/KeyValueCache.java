package io.kdstream.model.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.List;

/** Each layer's keys and values (B,H,S,D/H) of the positions decoded so far, owned by a manager of their own. */
final class KeyValueCache implements AutoCloseable {

    private final NDManager owner;
    private final List<Layer> layers = new ArrayList<>();

    KeyValueCache(NDManager parent, int layers) {
        this.owner = parent.newSubManager();
        for (int i = 0; i < layers; i++) {
            this.layers.add(new Layer());
        }
    }

    Layer layer(int index) {
        return layers.get(index);
    }

    /** One layer's keys and values, grown along the position axis. */
    final class Layer {
        private NDArray keys;
        private NDArray values;

        /** The cached keys with {@code added} (B,H,t,D/H) after them. */
        NDArray appendKeys(NDArray added) {
            keys = append(keys, added);
            return keys;
        }

        /** The cached values with {@code added} after them. */
        NDArray appendValues(NDArray added) {
            values = append(values, added);
            return values;
        }
    }

    private NDArray append(NDArray cached, NDArray added) {
        NDArray all = cached == null ? added : cached.concat(added, 2);
        // kept past the step whose scope made it; the shorter array it replaces is freed now, not with the cache
        all.attach(owner);
        if (cached != null) {
            cached.close();
        }
        return all;
    }

    @Override
    public void close() {
        owner.close();
    }
}
