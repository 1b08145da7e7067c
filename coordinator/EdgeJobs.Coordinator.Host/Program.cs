using EdgeJobs.Coordinator.Host.Cli;
using EdgeJobs.Hosting.CommandLine;
using EdgeJobs.Protocol;

// The edgejobs binary: a shim that picks the verb. The coordinator itself lives in the library.
return await EdgeJobsCli.RunAsync(args).ConfigureAwait(false);

internal static class EdgeJobsCli
{
    public static async Task<int> RunAsync(string[] argv)
    {
        if (argv.Length == 0 || argv[0] is "--help" or "-h" or "help")
        {
            Console.Out.Write(Help.Main);
            return argv.Length == 0 ? 2 : 0;
        }

        var verb = argv[0];
        try
        {
            var args = CliArgs.Parse(argv.Skip(1), "json", "wait", "force", "follow", "f", "help", "h");
            if (args.WantsHelp)
            {
                Console.Out.Write(HelpFor(verb));
                return 0;
            }

            return verb switch
            {
                "coordinator" => await ServerVerbs.RunAsync(args, up: false).ConfigureAwait(false),
                "up" => await ServerVerbs.RunAsync(args, up: true).ConfigureAwait(false),
                "token" => await TokenVerb.RunAsync(args).ConfigureAwait(false),
                "submit" => await SubmitVerb.RunAsync(args).ConfigureAwait(false),
                "jobs" => await JobsVerb.RunAsync(args).ConfigureAwait(false),
                "tools" => await ToolsVerb.RunAsync(args).ConfigureAwait(false),
                "nodes" => await NodesVerb.RunAsync(args).ConfigureAwait(false),
                "version" or "--version" => PrintVersion(),
                _ => throw new UsageException($"unknown verb '{verb}'"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"edgejobs {verb}: {e.Message}");
            Console.Error.WriteLine($"see: edgejobs {(verb.StartsWith('-') ? "" : verb + " ")}--help");
            return 2;
        }
        catch (CliException e)
        {
            Console.Error.WriteLine($"edgejobs {verb}: {e.Message}");
            return 1;
        }
    }

    private static string HelpFor(string verb) => verb switch
    {
        "coordinator" => Help.Coordinator,
        "up" => Help.Up,
        "token" => Help.Token,
        "submit" => Help.Submit,
        "jobs" => Help.Jobs,
        "tools" => Help.Tools,
        "nodes" => Help.Nodes,
        _ => Help.Main,
    };

    private static int PrintVersion()
    {
        Console.Out.WriteLine($"edgejobs {BuildInfo.Version}");
        return 0;
    }
}
