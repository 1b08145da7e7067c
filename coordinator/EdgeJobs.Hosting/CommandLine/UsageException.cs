namespace EdgeJobs.Hosting.CommandLine;

/// <summary>Bad command-line use found after parsing (a flag that contradicts another): printed with a hint, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
