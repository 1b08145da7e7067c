using System.CommandLine;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol;

namespace EdgeJobs.Coordinator.Host.Cli;

/// <summary>Every verb of the <c>edgejobs</c> binary, and its help.</summary>
internal static class EdgeJobsCommand
{
    public static RootCommand Create()
    {
        var root = new RootCommand("edgejobs — a job system for geospatial processing on edge and HPC nodes")
        {
            ServerCommands.Up(),
            ServerCommands.Coordinator(),
            TokenCommand.Create(),
            SubmitCommand.Create(),
            JobsCommand.Create(),
            ToolsCommand.Create(),
            RecipesCommand.Create(),
            CampaignsCommand.Create(),
            NodesCommand.Create(),
            AllocationsCommand.Create(),
            SlurmCommand.Create(),
            DatasetsCommand.Create(),
            VersionCommand(),
            CompletionCommand.Create("edgejobs"),
        };
        root.WithNotes("""
            edgejobs COMMAND --help shows a command's flags. Every flag also reads an environment
            variable, named beside it: --data-dir is EDGEJOBS_DATA_DIR, and so on.
            Exit codes: 0 done, 1 failed or refused, 2 bad usage.
            """);

        // Without a verb: the overview, as a usage error (a script that forgot its verb should not pass).
        root.SetAction(parsed =>
        {
            parsed.InvocationConfiguration.Output.Write(HelpText.For(root));
            return 2;
        });
        return root;
    }

    private static Command VersionCommand()
    {
        var command = new Command("version", "print the version");
        command.SetAction(parsed =>
        {
            parsed.InvocationConfiguration.Output.WriteLine($"edgejobs {BuildInfo.Version}");
            return 0;
        });
        return command;
    }
}
