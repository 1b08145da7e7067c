namespace EdgeJobs.Protocol.Datasets;

/// <summary>
/// Dataset names follow the org names' rules (<see cref="Jobs.Orgs.IsValid"/>): both are URL segments and
/// directory names under <c>DATA_DIR/datasets/</c>, so neither may hold a separator, a dot segment or a
/// character a shell or a URL would need to escape.
/// </summary>
public static class DatasetNames
{
    public static bool IsValid(string? name) => Jobs.Orgs.IsValid(name);

    /// <summary>Why a name is refused, for a 400 that names the parameter.</summary>
    public const string Rule = "must be 1-63 of a-z, 0-9 and '-', not starting with '-'";
}
