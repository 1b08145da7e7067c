namespace EdgeJobs.Protocol.Jobs;

/// <summary>
/// Orgs are tenants: an org owns jobs (and datasets, workspaces, projects as they arrive); a token belongs to
/// one org or, for the tokens minted at first start, to none (global). Jobs made before orgs existed are in
/// <see cref="Default"/>. Another org's job answers 404, as if it did not exist.
/// </summary>
public static class Orgs
{
    public const string Default = "default";

    /// <summary>An org name: 1-63 of <c>a-z 0-9 -</c>, starting with a letter or digit (it appears in URLs and paths).</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 63 || name[0] == '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                return false;
            }
        }

        return true;
    }
}
