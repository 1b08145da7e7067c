using System.Reflection;

namespace EdgeJobs.Protocol;

public static class BuildInfo
{
    /// <summary>The product version (from the build's <c>Version</c> property).</summary>
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
