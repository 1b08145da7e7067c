using System.CommandLine;
using EdgeJobs.Coordinator.Slurm;
using EdgeJobs.Hosting.CommandLine;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary><c>edgejobs slurm check</c>: the coordinator's <c>--slurm-*</c> flags, tried with a tiny allocation per queue.</summary>
internal static class SlurmCommand
{
    public static Command Create()
    {
        var command = new Command("slurm", "Slurm allocations (README \"HPC\")");
        var check = new Command("check", "submit a tiny test allocation of each queue (the coordinator's --slurm-* flags) and report Slurm's answer");
        var flags = SlurmFlags.AddTo(check);
        check.SetAction(async (parsed, cancellation) =>
        {
            var settings = flags.Settings(parsed);
            if (settings.Queues.Count == 0)
            {
                throw new UsageException("no queue: give --slurm-partition and --slurm-time-limit, or --slurm-config");
            }

            var failed = 0;
            foreach (var queue in settings.Queues)
            {
                Console.Error.WriteLine($"queue {queue.Name}: submitting a 1-minute test allocation to partition {queue.Partition}…");
                var (ok, report) = await SlurmCheck.RunAsync(queue, queue.Agent ?? settings.DefaultAgent, cancellation: cancellation).ConfigureAwait(false);
                (ok ? Console.Out : Console.Error).WriteLine(report);
                failed += ok ? 0 : 1;
            }

            return failed == 0 ? 0 : 1;
        });
        check.WithNotes("Exit codes: 0 every queue's test allocation ran, 1 Slurm refused or failed one, 2 bad usage.");
        command.Subcommands.Add(check);
        return command;
    }
}
