using EdgeJobs.Coordinator.Slurm;
using EdgeJobs.Testing;

namespace EdgeJobs.Coordinator.Tests.Slurm;

/// <summary>Slurm's commands as child processes, with stand-in programs for the answers a real Slurm gives rarely.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SlurmCommandsTests
{
    /// <summary>
    /// sbatch refuses a bad option before it reads its script and exits: the script's write then meets a closed pipe.
    /// That refusal is the answer (a failure the queue counts), not an exception that ends the allocator's pass with an
    /// allocation recorded and no failure counted, which let a paused queue's test see one allocation too many.
    /// </summary>
    [Test]
    public async Task an_sbatch_that_exits_before_reading_its_script_is_a_refusal_not_an_exception()
    {
        using var bin = new TempDir();
        var sbatch = bin.File("sbatch");
        await File.WriteAllTextAsync(sbatch, "#!/bin/sh\necho 'sbatch: unrecognized option --no-such-option' >&2\nexit 1\n");
        File.SetUnixFileMode(sbatch, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Larger than a pipe's buffer: the write cannot finish before the program is gone.
        var script = "#!/bin/sh\n" + new string('#', 1 << 20) + "\n";

        var (job, error) = await new SlurmCommands(bin.Path).SbatchAsync(script, ["--no-such-option"]);

        await Assert.That(job).IsNull();
        await Assert.That(error).IsEqualTo("sbatch: unrecognized option --no-such-option");
    }
}
