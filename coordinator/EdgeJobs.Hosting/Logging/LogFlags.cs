using System.CommandLine;
using EdgeJobs.Hosting.CommandLine;
using Microsoft.Extensions.Logging;

namespace EdgeJobs.Hosting.Logging;

/// <summary><c>--log-format</c> and <c>--log-level</c>, the same in both binaries.</summary>
public sealed class LogFlags
{
    public Option<string> Format { get; } = Flags.OneOf("--log-format", "text, or json lines for journald and log shippers", "text", "text", "json");

    public Option<LogLevel> Level { get; } = Flags.Create("--log-level", "LEVEL", "trace, debug, information, warning or error",
        HostLogging.ParseLevel, LogLevel.Information, shownDefault: "information");

    public static LogFlags AddTo(Command command)
    {
        var flags = new LogFlags();
        command.Options.Add(flags.Format);
        command.Options.Add(flags.Level);
        return flags;
    }

    public bool Json(ParseResult parsed) => parsed.GetValue(Format) == "json";
}
