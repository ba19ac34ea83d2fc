package dev.corral.container.lxc;

import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import dev.corral.instance.InstanceType;
import java.nio.file.Path;
import java.util.Map;

/**
 * Run in a JVM of its own by {@link LxcDriverTest}: creates and starts one container through the driver, prints its
 * init pid and exits, so that the test can check the container outlives the JVM that started it.
 *
 * <p>Arguments: lxcpath, log root, name, volume.
 */
public final class SurvivorMain {

    private SurvivorMain() {
    }

    public static void main(String[] args) {
        LxcDriver driver = new LxcDriver(Path.of(args[0]), Path.of(args[1]));
        InstanceRef ref = new InstanceRef("default", args[2]);
        InstanceSpec spec = new InstanceSpec(ref, InstanceType.CONTAINER, Map.of(), Map.of(), Path.of(args[3]),
                Path.of(args[1]).resolve(args[2]), LxcTestEnv.ID_MAP);
        driver.create(spec);
        driver.start(spec);
        System.out.println("pid=" + driver.state(ref).pid());
        System.exit(0);
    }
}
