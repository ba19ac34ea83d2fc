package dev.corral.container.lxc;

import dev.corral.instance.InstanceDriver;
import dev.corral.instance.InstanceDriverContract;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The driver contract against real unprivileged busybox containers. */
class LxcDriverContractTest extends InstanceDriverContract {

    private static LxcTestEnv env;

    @BeforeAll
    static void setUp() {
        LxcTestEnv.assumeUsable();
        env = new LxcTestEnv();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (env != null) {
            env.close();
        }
    }

    @Override
    protected InstanceDriver driver() {
        return env.driver;
    }

    @Override
    protected InstanceSpec newSpec(Map<String, String> config) {
        return env.newSpec(config);
    }

    @Override
    protected InstanceSpec renamedSpec(InstanceSpec spec, String newName) {
        return env.renamed(spec, newName);
    }

    @Override
    protected long liveMemoryLimit(InstanceRef ref) {
        String v = env.driver.cgroupItem(ref, env.driver.configs().memoryLimitKey());
        return v.equals("max") ? Long.MAX_VALUE : Long.parseLong(v);
    }

    @Override
    protected void cleanup() {
        env.reset();
    }
}
