namespace EdgeJobs.Hosting.CommandLine;

/// <summary>A command that was used correctly but could not do its work (the server refused, a file is missing): its message, exit code 1 unless said otherwise.</summary>
public sealed class CommandFailedException(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
