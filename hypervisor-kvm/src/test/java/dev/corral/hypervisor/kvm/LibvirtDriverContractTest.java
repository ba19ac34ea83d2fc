package dev.corral.hypervisor.kvm;

import dev.corral.instance.InstanceDriver;
import dev.corral.instance.InstanceDriverContract;
import dev.corral.instance.InstanceRef;
import dev.corral.instance.InstanceSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The driver contract against real busybox-vm VMs under TCG on qemu:///system. */
class LibvirtDriverContractTest extends InstanceDriverContract {

    private static VmTestEnv env;

    @BeforeAll
    static void setUp() throws IOException {
        VmTestEnv.assumeUsable();
        env = new VmTestEnv();
    }

    @AfterAll
    static void tearDown() {
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

    /**
     * The balloon target when one was set live (libvirt's domain then holds the guest to it), once the guest's
     * balloon has come close to it (within 16 MiB: a small guest cannot give back every page it uses); the live
     * currentMemory otherwise (a VM started with its limit). The guest gives memory back once its balloon driver
     * runs, so a change made right after start shows once it has booted: waits for that (bounded).
     */
    @Override
    protected long liveMemoryLimit(InstanceRef ref) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Long target = env.driver.balloonTarget(ref);
        long seen = env.currentMemory(ref);
        while (target != null && seen - target > SLACK && System.nanoTime() - deadline < 0) {
            sleep();
            seen = env.currentMemory(ref);
        }
        return target != null && seen - target <= SLACK ? target : seen;
    }

    private static final long SLACK = 16L << 20;

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Duration gracefulTimeout() {
        // OVMF, the kernel and init under TCG on a loaded machine, then the power button.
        return Duration.ofSeconds(90);
    }

    @Override
    protected void cleanup() {
        env.reset();
    }
}
