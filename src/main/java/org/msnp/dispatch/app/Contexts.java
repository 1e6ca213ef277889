package org.msnp.dispatch.app;

import org.msnp.dispatch.config.DispatchConfig;
import org.msnp.dispatch.routing.NsPool;
import org.msnp.dispatch.session.DispatchContext;

/** Builds the session context a configuration describes. */
public final class Contexts {
    private Contexts() {
    }

    public static NsPool pool(DispatchConfig config) {
        DispatchConfig.NotificationServers ns = config.notificationServers();
        return new NsPool(ns.targets().stream().map(DispatchConfig.Target::address).toList(),
                ns.targets().stream().map(DispatchConfig.Target::weight).toList(),
                org.msnp.dispatch.routing.NsPool.Selection.valueOf(ns.selection().name()));
    }

    public static DispatchContext of(DispatchConfig config, NsPool pool) {
        return new DispatchContext(config.sessionRules(), config.versionPolicy().build(), pool, config.foreign());
    }
}
