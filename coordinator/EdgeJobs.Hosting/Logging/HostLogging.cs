using EdgeJobs.Hosting.CommandLine;
using Microsoft.Extensions.Logging;
using ZLogger;

namespace EdgeJobs.Hosting.Logging;

/// <summary>Console logging for a standalone agent: readable lines, or JSON lines for journald and log shippers.</summary>
public static class HostLogging
{
    public static void Configure(ILoggingBuilder logging, bool json, LogLevel level)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(level);
        logging.AddZLoggerConsole(console =>
        {
            if (json)
            {
                console.UseJsonFormatter();
            }
            else
            {
                console.UsePlainTextFormatter(text => text.SetPrefixFormatter(
                    $"{0:utc-longdate} {1:short} ",
                    (in MessageTemplate template, in LogInfo info) => template.Format(info.Timestamp, info.LogLevel)));
            }
        });
    }

    public static LogLevel ParseLevel(string value) => value.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "information" or "info" => LogLevel.Information,
        "warning" or "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => throw new UsageException($"--log-level must be trace, debug, information, warning or error, not '{value}'"),
    };
}
