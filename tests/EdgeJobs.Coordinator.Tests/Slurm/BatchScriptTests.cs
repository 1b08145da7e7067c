using System.Diagnostics;
using EdgeJobs.Coordinator.Slurm;

namespace EdgeJobs.Coordinator.Tests.Slurm;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class BatchScriptTests
{
    private static readonly SlurmQueue s_queue = new()
    {
        Name = "big", Partition = "compute", Account = "geo", TimeLimit = TimeSpan.FromMinutes(90), WorkersPerAllocation = 3, SlotsPerWorker = 2,
        IdleTimeout = TimeSpan.FromMinutes(2), SbatchArgs = ["--qos=low", "--partition=other"], Labels = new Dictionary<string, string> { ["site"] = "it's hpc" },
    };

    [Test]
    [Arguments(60, "0-00:01:00")]
    [Arguments(5400, "0-01:30:00")]
    [Arguments(90061, "1-01:01:01")]
    public async Task time_limits_are_written_as_days_hours_minutes_seconds(int seconds, string expected) =>
        await Assert.That(BatchScript.Time(TimeSpan.FromSeconds(seconds))).IsEqualTo(expected);

    [Test]
    public async Task the_queues_own_arguments_come_first_so_extra_ones_win()
    {
        var args = BatchScript.Arguments(s_queue, 7, "/data/slurm");

        await Assert.That(args).Contains("--job-name=edgejobs-a7");
        await Assert.That(args).Contains("--time=0-01:30:00");
        await Assert.That(args).Contains("--ntasks=3");
        await Assert.That(args).Contains("--cpus-per-task=2");
        await Assert.That(args).Contains("--account=geo");
        await Assert.That(args).Contains("--output=/data/slurm/allocation-7-%j.log");
        await Assert.That(args.ToList().IndexOf("--partition=other")).IsGreaterThan(args.ToList().IndexOf("--partition=compute"));
    }

    /// <summary>The script run by bash with srun replaced by a stub that prints its argv: every word arrives whole.</summary>
    [Test]
    public async Task the_script_hands_each_worker_its_flags_and_token_as_single_words()
    {
        var dir = Directory.CreateTempSubdirectory("edgejobs-batch").FullName;
        try
        {
            var srun = Path.Combine(dir, "srun");
            await File.WriteAllTextAsync(srun, "#!/bin/bash\nprintf '%s\\n' \"$@\"\necho \"token=$EDGEJOBS_TOKEN end=$EDGEJOBS_ALLOCATION_END file=${EDGEJOBS_TOKEN_FILE-none}\"\n");
            File.SetUnixFileMode(srun, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var script = BatchScript.Render(s_queue, "/opt/edge jobs/edgejobs-agent", "login1:8081", "ej_a'b", null);
            var info = new ProcessStartInfo("/bin/bash") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            info.Environment["PATH"] = dir + ":" + Environment.GetEnvironmentVariable("PATH");
            info.Environment["SLURM_JOB_END_TIME"] = "1800000000";
            info.Environment["EDGEJOBS_TOKEN_FILE"] = "/the/coordinators/admin.token"; // sbatch exports the submitter's environment
            using var bash = Process.Start(info)!;
            await bash.StandardInput.WriteAsync(script);
            bash.StandardInput.Close();
            var lines = (await bash.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await bash.WaitForExitAsync();

            await Assert.That(lines).Contains("--ntasks=3");
            await Assert.That(lines).Contains("/opt/edge jobs/edgejobs-agent");
            await Assert.That(lines).Contains("site=it's hpc");
            await Assert.That(lines).Contains("120s");
            await Assert.That(lines[^1]).IsEqualTo("token=ej_a'b end=1800000000 file=none");
            var worker = lines.ToList();
            await Assert.That(worker[worker.IndexOf("--coordinator") + 1]).IsEqualTo("login1:8081");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>srun replaced by a stub that runs its command as rank 1 of job 5, the agent by one that prints its argv.</summary>
    [Test]
    public async Task each_agent_appends_its_log_to_a_file_of_its_own_and_its_work_dir_is_removed_after_it()
    {
        var dir = Directory.CreateTempSubdirectory("edgejobs-batch").FullName;
        try
        {
            var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            var srun = Path.Combine(dir, "srun");
            await File.WriteAllTextAsync(srun, "#!/bin/bash\nwhile [[ $1 == --* ]]; do shift; done\nexport SLURM_JOB_ID=5 SLURM_PROCID=1\nexec \"$@\"\n");
            File.SetUnixFileMode(srun, mode);
            var agent = Path.Combine(dir, "agent's");
            await File.WriteAllTextAsync(agent, "#!/bin/bash\nprintf '%s\\n' \"$@\"\nmkdir -p \"${@: -1}\"\n");
            File.SetUnixFileMode(agent, mode);
            var logs = Path.Combine(dir, "logs dir");
            Directory.CreateDirectory(logs);
            var info = new ProcessStartInfo("/bin/bash") { RedirectStandardInput = true, UseShellExecute = false };
            info.Environment["PATH"] = dir + ":" + Environment.GetEnvironmentVariable("PATH");
            info.Environment["TMPDIR"] = dir;
            using var bash = Process.Start(info)!;
            await bash.StandardInput.WriteAsync(BatchScript.Render(s_queue, agent, "login1:8081", "ej_x", null, 9, logs));
            bash.StandardInput.Close();
            await bash.WaitForExitAsync();

            await Assert.That(bash.ExitCode).IsEqualTo(0);
            var log = await File.ReadAllLinesAsync(Path.Combine(logs, "allocation-9-5-1.log"));
            await Assert.That(log).Contains("slurm-5-1");
            await Assert.That(log[^1]).IsEqualTo(Path.Combine(dir, "edgejobs-5-1"));
            await Assert.That(Directory.Exists(Path.Combine(dir, "edgejobs-5-1"))).IsFalse();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
